import path from 'node:path';
import { CorruptStateError } from './adapters/durable-json-file.js';
import { stateFolderProblem } from './adapters/state-folder.js';
import { readStateFile } from './adapters/state-store.js';
import type { StateStore } from './adapters/state-store.js';
import type { ControllerState } from './api/state-types.js';
import { Reason } from './reconcile/reasons.js';

// The state file as each command meets it. Apart from app.ts so that `status` loads the
// state file's adapter only: not the manifest loader, not ajv.

export { CorruptStateError, stateFolderProblem };

/**
 * `run`: the state file, or, when it is corrupt, the defaults to rebuild from, with a
 * notice and an event saying where the file went and why (docs/guarantees.md #6).
 */
export async function loadState(store: StateStore, now: Date, notices: string[]): Promise<ControllerState> {
  const { state, movedAside, removedTemps } = await store.load(now);
  if (removedTemps.length > 0) notices.push(`removed temp files a killed write left: ${removedTemps.join(', ')}`);
  if (movedAside) {
    notices.push(
      `state file was corrupt: moved to ${movedAside.file}, rebuilding from owned containers and manifests (it ${movedAside.why})`,
    );
    state.events.push({
      at: now.toISOString(),
      type: 'Warning',
      workload: null,
      reason: Reason.StateRecovered,
      message: `corrupt state file moved to ${movedAside.file}: it ${movedAside.why}`,
    });
  }
  return state;
}

/**
 * `plan`: the state file, or, when it cannot be used, the defaults `run` would rebuild
 * from, with a notice. Read-only: a corrupt file stays where it is.
 */
export async function peekState(file: string, defaults: ControllerState, notices: string[]): Promise<ControllerState> {
  try {
    return (await readStateFile(file)) ?? defaults;
  } catch (error) {
    const why =
      error instanceof CorruptStateError
        ? error.describeFor(file)
        : `cannot read the state file ${file}: ${(error as Error).message}`;
    notices.push(`${why}; planning from owned containers and manifests alone, as 'run' would after moving it aside`);
    return defaults;
  }
}

/**
 * The state file, for `status` and `wait`: read only, never locked; undefined when there
 * is none. Throws CorruptStateError when it is not valid JSON or not a tinyforge state.
 */
export async function readState(file: string): Promise<ControllerState | undefined> {
  return readStateFile(path.resolve(file));
}
