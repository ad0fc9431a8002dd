import { CorruptStateError, readState } from '../app-state.js';
import type { ControllerState, WorkloadStatus } from '../api/state-types.js';
import type { Output } from './output.js';

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

/** A workload by its name (`web`) or id (`image/web`), as `status` finds it. */
export function findWorkload(
  state: ControllerState,
  name: string,
): { id: string; workload: WorkloadStatus } | undefined {
  const found = Object.entries(state.workloads).find(([id, w]) => id === name || w.name === name);
  return found && { id: found[0], workload: found[1] };
}

/** The one line said when NAME names no workload of the state file. */
export function noSuchWorkload(name: string, file: string): string {
  return `tinyforge: no workload ${JSON.stringify(name)} in ${file}`;
}
