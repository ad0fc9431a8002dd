import { setTimeout as delay } from 'node:timers/promises';
import { readState } from '../app-state.js';
import type { ControllerState } from '../api/state-types.js';
import { UsageError } from './errors.js';
import { EventPrinter, isAbout, unseen } from './event-lines.js';
import { choiceFlag, nonEmptyFlag } from './flag-values.js';
import { interrupted } from './interrupted.js';
import type { FollowDeps } from './interrupted.js';
import type { Output } from './output.js';
import { helpPointer, parseCommandArgs } from './parse-command-args.js';
import { DEFAULT_STATE_FILE, stateForCommand } from './workload-lookup.js';

export const EVENTS_USAGE = `usage: tinyforge events [NAME] [-f] [-o text|json] [--state FILE]

The controller's events from the state file (its last 200), oldest first: TIME TYPE
OBJECT REASON MESSAGE. NAME keeps the events of one workload: its name (web) or id
(image/web); a workload gone from the manifests still has its events.

  -f, --follow     keep printing new events as the controller writes them, until Ctrl-C
                   (waits for a state file that is not there yet)
  -o text|json     json: one JSON object per line (JSON Lines), with and without -f:
                   {"at","type","workload","reason","message"}
  --state FILE     state file (default ./.tinyforge/state.json)

Exit codes: 0; 1 no state file (without -f), or one that is not a tinyforge state; 2 usage.`;

export const OPTIONS = {
  follow: { type: 'boolean', short: 'f' },
  output: { type: 'string', short: 'o' },
  state: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** How often `events -f` looks at the state file (it is replaced by a rename: a new file each write). */
const FOLLOW_POLL_MS = 500;

/** `tinyforge events`: the state file's events, or, with -f, those it gains. */
export async function eventsCommand(argv: string[], output: Output, deps: Partial<FollowDeps> = {}): Promise<number> {
  const { values, positionals } = parseCommandArgs('events', argv, OPTIONS, true);
  if (values.help) {
    output.out(EVENTS_USAGE);
    return 0;
  }
  if (positionals.length > 1)
    throw new UsageError(`takes at most one NAME (got ${positionals.length}); ${helpPointer('events')}`, 'events');
  const json = choiceFlag(values.output ?? 'text', '-o', ['text', 'json'] as const) === 'json';
  const file = nonEmptyFlag(values.state ?? DEFAULT_STATE_FILE, '--state');
  const name = positionals[0];
  const printer = new EventPrinter(json, (text) => output.out(text));
  if (!values.follow) {
    const state = await stateForCommand(file, output);
    if (!state) return 1;
    const events = state.events.filter((e) => isAbout(e, name));
    if (events.length === 0) output.err(`tinyforge: no events${name === undefined ? '' : ` of ${name}`} in ${file}`);
    else printer.print(events);
    return 0;
  }
  return followEvents(file, name, printer, output, {
    stopped: deps.stopped ?? interrupted,
    pollMs: deps.pollMs ?? FOLLOW_POLL_MS,
  });
}

/**
 * Prints the events there are, then every new one each time the state file changes,
 * until stopped. A state file that is missing or cannot be read for a moment (the
 * controller not started yet, a corrupt one being moved aside) is waited for, said once.
 */
async function followEvents(
  file: string,
  name: string | undefined,
  printer: EventPrinter,
  output: Output,
  deps: FollowDeps,
): Promise<number> {
  const stop = new AbortController();
  void deps.stopped().then(() => stop.abort());
  let seen = new Set<string>();
  let waiting = false;
  while (!stop.signal.aborted) {
    const state = await readState(file).catch(() => undefined as ControllerState | undefined);
    if (state) {
      const next = unseen(state.events, seen);
      seen = next.seen;
      printer.print(next.fresh.filter((e) => isAbout(e, name)));
    } else if (!waiting) output.err(`tinyforge: waiting for the state file ${file}`);
    waiting = !state;
    await delay(deps.pollMs, undefined, { signal: stop.signal }).catch(() => undefined);
  }
  return 0;
}
