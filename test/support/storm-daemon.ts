import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ControllerState } from '../../src/api/state-types.js';
import { startDaemon } from '../../src/app-daemon.js';
import { eventually } from './eventually.js';
import { FakeDocker } from './fake-docker.js';
import { fakeEngineConfig } from './fake-engine-config.js';

/**
 * The long-running controller on a real manifest directory and its real watcher, with
 * the in-memory FakeDocker for an engine (no event stream): for storms of file events.
 */
export async function startStormDaemon(manifests: string) {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-state-'));
  const file = path.join(stateDir, 'state.json');
  const docker = new FakeDocker();
  const err: string[] = [];
  const running = await startDaemon(
    { ...fakeEngineConfig(manifests, file), concurrency: 4, resyncMs: 600_000, debounceMs: 50 },
    { out: () => undefined, err: (line) => err.push(line) },
    { docker, events: () => ({ start: () => undefined, stop: () => undefined }) },
  );
  await eventually('the first full pass', () => running.health.ready());
  const state = (): ControllerState | undefined =>
    fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ControllerState) : undefined;
  /** The workload ids of the running containers, one per container (duplicates kept). */
  const runningIds = () =>
    [...docker.containers.values()]
      .filter((c) => c.state === 'running')
      .map((c) => c.labels['tinyforge.workload.id']!)
      .sort();
  /** Waits until the containers and the state file hold exactly `ids`, all Ready. */
  const converged = (ids: string[], timeoutMs = 20_000) => {
    const want = [...ids].sort();
    return eventually(
      `the containers and the state to be exactly ${want.length} workloads`,
      () => {
        const s = state();
        if (!s || JSON.stringify(runningIds()) !== JSON.stringify(want)) return false;
        const rows = Object.entries(s.workloads);
        return rows.length === want.length && rows.every(([id, w]) => want.includes(id) && w.phase === 'Ready');
      },
      timeoutMs,
    );
  };
  const stop = async () => {
    await running.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  };
  return { docker, running, err, state, runningIds, converged, stop };
}

/** Docker calls that stop or remove a container. */
export function removals(docker: FakeDocker): string[] {
  return docker.calls.filter((c) => c.startsWith('stop ') || c.startsWith('remove '));
}
