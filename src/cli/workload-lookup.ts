import { namesWorkload } from '../api/kinds.js';
import { CorruptStateError, readState } from '../app-state.js';
import type { ControllerState, WorkloadStatus } from '../api/state-types.js';
import { UsageError } from './errors.js';
import type { Output } from './output.js';
import { helpPointer } from './parse-command-args.js';

/** The default state file of every command (README: Command line). */
export const DEFAULT_STATE_FILE = '.tinyforge/state.json';

/**
 * The state file for a command that reads it (`logs`, `describe`, `events`), or
 * undefined after saying on stderr why there is none to read (missing, unreadable, not a
 * tinyforge state): the caller then exits 1.
 */
export async function stateForCommand(file: string, output: Output): Promise<ControllerState | undefined> {
  let state: ControllerState | undefined;
  try {
    state = await readState(file);
  } catch (error) {
    const why =
      error instanceof CorruptStateError ? error.describeFor(file) : `cannot read ${file}: ${(error as Error).message}`;
    output.err(`tinyforge: ${why}`);
    return undefined;
  }
  if (!state) output.err(`tinyforge: no state file at ${file} (has 'tinyforge run' run here?)`);
  return state;
}

/** The one NAME `command` takes; another count is a usage error. */
export function oneName(command: string, positionals: readonly string[]): string {
  if (positionals.length !== 1)
    throw new UsageError(`takes one NAME (got ${positionals.length}); ${helpPointer(command)}`, command);
  return positionals[0]!;
}

/**
 * The state file and the workload NAME names in it, by its name (`web`) or id
 * (`image/web`) as `status` finds it; undefined after saying on stderr why there is none
 * (the caller exits 1).
 */
export async function lookUpWorkload(
  file: string,
  name: string,
  output: Output,
): Promise<{ state: ControllerState; id: string; workload: WorkloadStatus } | undefined> {
  const state = await stateForCommand(file, output);
  if (!state) return undefined;
  const found = Object.entries(state.workloads).find(([id]) => namesWorkload(name, id));
  if (!found) output.err(`tinyforge: no workload ${JSON.stringify(name)} in ${file}`);
  return found && { state, id: found[0], workload: found[1] };
}
