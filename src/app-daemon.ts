import path from 'node:path';
import type http from 'node:http';
import { DockerEventSource } from './adapters/docker-events.js';
import type { DockerEventHandlers } from './adapters/docker-events.js';
import { startHealthServer } from './adapters/health-server.js';
import type { Health } from './adapters/health-server.js';
import { ManifestSource } from './adapters/manifest-source.js';
import { ManifestWatcher } from './adapters/manifest-watcher.js';
import { ControllerMetrics } from './adapters/metrics.js';
import type { PassScope } from './adapters/metrics.js';
import { releaseMemory } from './adapters/release-memory.js';
import { openController, StateWriteError } from './app.js';
import type { ControllerConfig, ControllerOverrides, DirectoryLoad } from './app.js';
import { ALL, Daemon } from './controller/daemon.js';
import type { TickResult } from './reconcile/reconcile-tick.js';

export interface DaemonConfig extends ControllerConfig {
  resyncMs: number;
  /** Quiet period after file events before a rescan (default 150 ms). */
  debounceMs: number;
  /** Where /healthz, /readyz and /metrics listen. */
  healthAddr?: { host: string; port: number };
}

/** What the daemon may be given instead of the real adapters (tests). */
export interface DaemonOverrides extends ControllerOverrides {
  /** Docker's event stream (default: the engine's, for this controller's containers). */
  events?: (handlers: DockerEventHandlers) => { start(): void; stop(): void };
}

export interface RunningDaemon {
  /** Finishes the reconcile in flight, writes the state, releases the lock. */
  stop(): Promise<void>;
  readonly notices: string[];
  /** What `/healthz`, `/readyz` and `/metrics` answer. */
  readonly health: Health;
}

/**
 * The long-running controller, wired: the manifest watcher and Docker's event stream
 * feed the daemon's queue, a resync ticker is the safety net, and every reconcile
 * writes the state file. `log` receives what a person watching would want to see.
 */
export async function startDaemon(
  config: DaemonConfig,
  log: { out(line: string): void; err(line: string): void },
  overrides: DaemonOverrides = {},
): Promise<RunningDaemon> {
  const controller = await openController(config, 'run', overrides);
  const root = path.resolve(config.manifests);
  const manifests = new ManifestSource(config.manifests, config.policy);
  let view: DirectoryLoad | undefined;
  let revision: string | null = null;
  let firstFullTick = false;
  let lastActivity = Date.now();
  controller.annotate({ resyncSeconds: config.resyncMs / 1000, watch: { mode: 'events', lastError: null } });

  let reachable = true;
  /** Why the last state write failed, or null when it succeeded. */
  let writeError: string | null = null;
  const metrics = new ControllerMetrics();
  const report = (result: TickResult, scope: PassScope) => {
    lastActivity = Date.now();
    metrics.recordPass(scope, result.state.controller.lastTick?.durationMs ?? 0, result.outcome.dockerCalls);
    for (const line of result.planLines) log.out(line);
    // Said once when it goes, once when it comes back: not on every retry.
    if (result.outcome.dockerReachable !== reachable) {
      reachable = result.outcome.dockerReachable;
      log.err(
        reachable
          ? 'tinyforge: Docker is reachable again'
          : `tinyforge: Docker is unreachable: ${result.state.controller.docker.lastError}`,
      );
    }
    for (const event of result.events)
      if (event.type === 'Warning')
        log.err(`tinyforge: ${event.workload ?? 'controller'}: ${event.reason}: ${event.message}`);
  };
  const reportWrite = (error: StateWriteError | undefined) => {
    if (error) metrics.recordStateWriteFailure();
    const now = error ? error.message : null;
    // Said when it fails (again, if the reason changes) and once when it recovers: not on every retry.
    if (now !== writeError) log.err(now ? `tinyforge: ${now}; retrying` : 'tinyforge: the state file is written again');
    writeError = now;
  };

  const daemon = new Daemon(
    {
      async rescan() {
        const scan = await manifests.rescan();
        ({ view, revision } = scan);
        if (scan.problemsChanged)
          for (const p of view.problems) log.err(`${p.file}:${p.line}:${p.column}: ${p.message}`);
        // A new commit is news for every workload, changed or not: each records the revision it runs.
        return scan.revisionChanged ? [...scan.changed, ALL] : scan.changed;
      },
      async reconcile(keys) {
        let result: TickResult;
        let failedWrite: StateWriteError | undefined;
        try {
          result = await controller.tick({
            heartbeatEveryMs: config.resyncMs,
            ...(view ? { view } : {}),
            revision,
            ...(keys === ALL ? {} : { scope: new Set(keys) }),
          });
        } catch (error) {
          if (!(error instanceof StateWriteError)) throw error;
          // The pass itself ran: report it, then have the queue retry these keys with backoff.
          [result, failedWrite] = [error.result, error];
        }
        report(result, keys === ALL ? 'full' : 'scoped');
        reportWrite(failedWrite);
        if (keys === ALL) {
          firstFullTick = true;
          // A full pass over every manifest is the burst: give its garbage back.
          releaseMemory();
        }
        if (failedWrite) throw failedWrite;
        if (!result.outcome.dockerReachable)
          throw Object.assign(new Error('Docker is unreachable'), { code: 'DOCKER_UNREACHABLE' });
        const retry = result.outcome.failed.filter((id) => result.state.workloads[id]?.phase !== 'Invalid');
        return { failed: retry, recheck: result.outcome.rolling };
      },
      onError(error, where) {
        const code = (error as { code?: string }).code;
        if (code === 'DOCKER_UNREACHABLE' || code === 'STATE_WRITE_FAILED') return; // reported by the tick
        log.err(`tinyforge: ${where}: ${error instanceof Error ? error.message : String(error)}`);
      },
    },
    { debounceMs: config.debounceMs, resyncMs: config.resyncMs },
  );

  const watcher = new ManifestWatcher(root, {
    changed: () => daemon.fileChanged(),
    status: (mode, error) => {
      controller.annotate({ watch: { mode, lastError: error } });
      log.err(`tinyforge: watching ${config.manifests}: ${mode}${error ? ` (${error})` : ''}`);
    },
  });
  const eventHandlers: DockerEventHandlers = {
    // Docker lists a container as running for some 15 ms after its `die` event: look again.
    workload: (id, action) =>
      daemon.workloadChanged(id, ['die', 'kill', 'stop', 'oom'].includes(action) ? 50 : undefined),
    reconnected: () => {
      log.err('tinyforge: Docker event stream reconnected; relisting');
      daemon.resyncNow();
    },
    lost: (reason) => log.err(`tinyforge: ${reason}; reconnecting`),
  };
  const events = overrides.events
    ? overrides.events(eventHandlers)
    : new DockerEventSource(config.dockerHost, config.name, eventHandlers);

  // Listen before anything starts: an address that cannot be had ends start-up with
  // nothing watched and nothing asked of Docker, and the state lock released.
  const health: Health = {
    live: () => Date.now() - lastActivity < 2 * config.resyncMs + 60_000,
    ready: () => firstFullTick && controller.state.controller.docker.reachable && writeError === null,
    metrics: () => metrics.render(controller.state),
  };
  let server: http.Server | undefined;
  if (config.healthAddr) {
    server = await startHealthServer(config.healthAddr, health).catch((error: unknown) => {
      controller.close();
      throw error;
    });
  }
  try {
    await watcher.start();
    events.start();
    daemon.start();
  } catch (error) {
    events.stop();
    await watcher.close();
    await daemon.stop();
    server?.close();
    controller.close();
    throw error;
  }

  return {
    notices: controller.notices,
    health,
    async stop() {
      events.stop();
      await watcher.close();
      await daemon.stop();
      server?.close();
      controller.close();
    },
  };
}
