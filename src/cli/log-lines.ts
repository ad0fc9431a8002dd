import type { LogTarget } from '../app-logs.js';

/** One line of a container's log: Docker's timestamp (empty when the line had none) and the program's text. */
export interface LogLine {
  at: string;
  text: string;
}

/**
 * Cuts a container's output into lines: the engine's chunks are writes of the program,
 * not lines, and a character may be split between two. What has no newline yet waits
 * for the next chunk, or for `flush` at the end of the stream.
 */
export class LineSplitter {
  readonly #decoder = new TextDecoder();
  #rest = '';

  push(data: Uint8Array): LogLine[] {
    this.#rest += this.#decoder.decode(data, { stream: true });
    const parts = this.#rest.split('\n');
    this.#rest = parts.pop() ?? '';
    return parts.map(parseLine);
  }

  flush(): LogLine[] {
    const rest = this.#rest + this.#decoder.decode();
    this.#rest = '';
    return rest === '' ? [] : [parseLine(rest)];
  }
}

/** Docker's `timestamps` form: `2026-12-06T07:42:40.123456789Z text`. */
function parseLine(line: string): LogLine {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) ([\s\S]*)$/.exec(line);
  return match ? { at: match[1]!, text: match[2]! } : { at: '', text: line };
}

/**
 * A timestamp that sorts as text in time order: Docker trims the nanoseconds' trailing
 * zeros (`.5Z` is later than `.25Z`), so the fraction is padded to nine digits.
 */
export function timeKey(at: string): string {
  const [seconds = '', fraction = ''] = at.replace(/Z$/, '').split('.');
  return `${seconds}.${fraction.padEnd(9, '0')}`;
}

/** A timestamp as seconds since the epoch, whole seconds only (Docker's `since` is inclusive). */
export function wholeSeconds(at: string): number {
  return Math.floor(Date.parse(`${at.split('.')[0]!.replace(/Z$/, '')}Z`) / 1000);
}

/** How a container is named before its lines, like `docker compose logs`: `web-1`, or `production-1-blue`. */
export function targetLabel(target: Pick<LogTarget, 'role' | 'replica' | 'slot'>): string {
  return `${target.role}-${target.replica}${target.slot ? `-${target.slot}` : ''}`;
}

/** One printed line: the container's label when there are several, Docker's timestamp when asked for. */
export function formatLine(line: LogLine, label: string | undefined, timestamps: boolean): string {
  return `${label === undefined ? '' : `${label} | `}${timestamps && line.at !== '' ? `${line.at} ` : ''}${line.text}`;
}

/** Lines of several containers in time order; lines of the same instant keep their order. */
export function mergeByTime<T extends { line: LogLine }>(lines: readonly T[]): T[] {
  return lines
    .map((entry, index) => ({ entry, index, key: timeKey(entry.line.at) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index))
    .map(({ entry }) => entry);
}
