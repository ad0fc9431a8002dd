import fs from 'node:fs';
import path from 'node:path';
import type { ControllerState } from '../../src/api/state-types.js';
import type { Output } from '../../src/cli/output.js';
import { makeFixtureDir } from './fixture-dir.js';
import { TickHarness } from './tick-harness.js';

/**
 * A folder with `files` (manifests under `manifests/`) and the state file one reconcile
 * of them against a FakeDocker leaves, at `.tinyforge/state.json`; `edit` may change the
 * state before it is written.
 */
export async function stateFixture(
  files: Record<string, string>,
  edit: (state: ControllerState) => void = () => undefined,
): Promise<{ dir: string; file: string; state: ControllerState }> {
  const dir = makeFixtureDir(files);
  const h = new TickHarness(path.join(dir, 'manifests'));
  await h.tick();
  edit(h.state);
  const file = path.join(dir, '.tinyforge', 'state.json');
  writeState(file, h.state);
  return { dir, file, state: h.state };
}

/** Writes a state file as the controller does: a new file renamed over the old one. */
export function writeState(file: string, state: ControllerState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(state));
  fs.renameSync(`${file}.tmp`, file);
}

/** An Output that keeps what a command printed, line by line. */
export function capturedOutput(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}
