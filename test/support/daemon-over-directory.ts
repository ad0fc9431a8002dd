import { ManifestSource } from '../../src/adapters/manifest-source.js';
import type { DirectoryLoad } from '../../src/adapters/manifest-loader.js';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { Daemon } from '../../src/controller/daemon.js';
import { FakeTimers, flush } from './fake-timers.js';
import { TickHarness } from './tick-harness.js';

/**
 * The daemon over a real manifest directory and the fake engine, on fake timers, wired
 * as app-daemon wires it but with no watcher and no Docker events: the test calls
 * `fileChanged` itself, or nothing at all.
 */
export function daemonOverDirectory(dir: string, options: { resyncMs: number; deletionGraceMs?: number }) {
  const h = new TickHarness(dir);
  const timers = new FakeTimers();
  const source = new ManifestSource(dir, DEFAULT_POLICY, 'docker', {
    ...(options.deletionGraceMs === undefined ? {} : { deletionGraceMs: options.deletionGraceMs }),
    now: () => timers.now,
  });
  let view: DirectoryLoad | undefined;
  let passes = 0;
  const daemon: Daemon = new Daemon(
    {
      async rescan() {
        const found = await source.rescan();
        view = found.view;
        if (found.rescanInMs !== undefined) daemon.rescanIn(found.rescanInMs);
        return found.changed;
      },
      async reconcile() {
        await h.tick(view ? { view } : {});
        passes++;
        return { failed: [] };
      },
      onError(error) {
        throw error;
      },
    },
    { debounceMs: 150, resyncMs: options.resyncMs, timers },
  );
  /** The replica numbers of running containers, per workload id. */
  const running = () =>
    [...h.docker.containers.values()]
      .filter((c) => c.state === 'running')
      .map((c) => `${c.labels['tinyforge.workload.id']}#${c.labels['tinyforge.replica']}`)
      .sort();
  /** Advances the fake time, waits for the passes it starts, and answers how many ran. */
  const advance = async (ms: number) => {
    const before = passes;
    await timers.advance(ms);
    for (let i = 0; i < 50 && daemon.pending > 0; i++) await flush();
    return passes - before;
  };
  return { h, daemon, running, advance };
}
