import { namesWorkload } from '../api/kinds.js';
import type { StateEvent } from '../api/state-types.js';

/** What tells two events apart: the state file keeps no id, so (at, reason, workload, message). */
export function eventKey(e: StateEvent): string {
  return JSON.stringify([e.at, e.reason, e.workload, e.message]);
}

/** Whether an event is about the workload NAME names: its id (`image/web`) or its name (`web`); no NAME: every event. */
export function isAbout(e: StateEvent, name: string | undefined): boolean {
  if (name === undefined) return true;
  return e.workload !== null && namesWorkload(name, e.workload);
}

/**
 * Events of a new read of the state file that the last read did not have. The last
 * read's keys are all there is to remember: the file keeps its last 200 events, so one
 * that fell out of it never comes back.
 */
export function unseen(
  events: readonly StateEvent[],
  seen: ReadonlySet<string>,
): { fresh: StateEvent[]; seen: Set<string> } {
  const keys = new Set(events.map(eventKey));
  return { fresh: events.filter((e) => !seen.has(eventKey(e))), seen: keys };
}

/**
 * Prints events one line each: `-o json` one JSON object a line (JSON Lines, the same
 * with and without `-f`), else columns TIME TYPE OBJECT REASON MESSAGE, as wide as the
 * widest value printed so far (a wider one later widens its column from then on; nothing is cut).
 */
export class EventPrinter {
  readonly #json: boolean;
  readonly #print: (text: string) => void;
  #widths: number[] | undefined;

  constructor(json: boolean, print: (text: string) => void) {
    this.#json = json;
    this.#print = print;
  }

  print(events: readonly StateEvent[]): void {
    if (this.#json) {
      for (const e of events) this.#print(JSON.stringify(e));
      return;
    }
    const rows = events.map((e) => [e.at, e.type, e.workload ?? '-', e.reason, e.message]);
    if (!this.#widths) {
      rows.unshift(['TIME', 'TYPE', 'OBJECT', 'REASON', 'MESSAGE']);
      // 'Warning' is the widest type: a first batch of Normal events must not set it narrower.
      this.#widths = [0, 'Warning'.length, 0, 0];
    }
    const widths = this.#widths;
    for (const row of rows) {
      for (const [i, cell] of row.slice(0, -1).entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
    }
    for (const row of rows)
      this.#print(
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 2)))
          .join('')
          .trimEnd(),
      );
  }
}
