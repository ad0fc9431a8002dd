import path from 'node:path';
import { DockerEventSource } from './adapters/docker-events.js';
import type { DockerEventHandlers } from './adapters/docker-events.js';
import { controlSocketPath, startControlServer } from './adapters/control-server.js';
import type { ControlServer } from './adapters/control-server.js';
import type { Health } from './adapters/health-server.js';
import { ManifestSource } from './adapters/manifest-source.js';
import { ManifestWatcher } from './adapters/manifest-watcher.js';
import { PassReporter } from './adapters/pass-reporter.js';
import type { DaemonLog } from './adapters/pass-reporter.js';

export type { DaemonLog, LogFields, LogLevel } from './adapters/pass-reporter.js';
import { releaseMemory } from './adapters/release-memory.js';
import { openController, StateWriteError } from './app.js';
import type { Controller, ControllerConfig, ControllerOverrides, DirectoryLoad } from './app.js';
import { controlHandler } from './app-control.js';
import { ALL, Daemon } from './controller/daemon.js';
import type { TickResult } from './reconcile/reconcile-tick.js';
import { Reason } from './reconcile/reasons.js';
import type { NotifyConfig } from './api/notification.js';
import type { NotifierOptions } from './adapters/notifier.js';
import type { Notifications } from './app-notifications.js';
import { daemonHealth, serveHealthAddress } from './app-daemon-web.js';

export interface DaemonConfig extends ControllerConfig {
  resyncMs: number;
  /** Quiet period after file events before a rescan (default 150 ms). */
  debounceMs: number;
  /** How long Docker's event stream may say nothing before the engine is asked what it missed (default 30 s). */
  eventSilenceMs?: number;
  /** Where /healthz, /readyz and /metrics listen. */
  healthAddr?: { host: string; port: number };
  /** `--notify`: where phase changes are POSTed. */
  notify?: NotifyConfig;
  /** What the status page and /metrics on healthAddr ask for (Bearer or ?token=). */
  webToken?: string;
}

/** What the daemon may be given instead of the real adapters (tests). */
export interface DaemonOverrides extends ControllerOverrides {
  /** Docker's event stream (default: the engine's, for this controller's containers). */
  events?: (handlers: DockerEventHandlers) => { start(): void; stop(): void };
  /** The notifier's timeouts and retries (tests). */
  notifier?: Partial<NotifierOptions>;
}

export interface RunningDaemon {
  /** Finishes the reconcile in flight, writes the state, releases the lock. */
  stop(): Promise<void>;
  readonly notices: string[];
  /** What `/healthz`, `/readyz` and `/metrics` answer. */
  readonly health: Health;
}

/** What the last rescan found, and whether a pass over every manifest has run. */
export interface Scan {
  view: DirectoryLoad | undefined;
  revision: string | null;
  fullPassDone: boolean;
  /** Why Docker's event stream is down (being reconnected), or null while it is up. */
  eventsDown: string | null;
}

/**
 * The long-running controller, wired: the manifest watcher and Docker's event stream
 * feed the daemon's queue, a resync ticker is the safety net, and every reconcile
 * writes the state file. `log` receives what a person watching would want to see.
 */
export async function startDaemon(
  config: DaemonConfig,
  log: DaemonLog,
  overrides: DaemonOverrides = {},
): Promise<RunningDaemon> {
  // prom-client is loaded only when /metrics can be asked for: it costs a start.
  const metrics = config.healthAddr ? new (await import('./adapters/metrics.js')).ControllerMetrics() : undefined;
  const controller = await openController(config, 'run', { ...metrics?.observers(), ...overrides });
  const manifests = new ManifestSource(config.manifests, config.policy, config.backend);
  const scan: Scan = { view: undefined, revision: null, fullPassDone: false, eventsDown: null };
  const reporter = new PassReporter(log, Date.now, metrics);
  const notifications = await notificationsFor(config, controller, log, overrides);
  controller.annotate({ resyncSeconds: config.resyncMs / 1000, watch: { mode: 'events', lastError: null } });

  const daemon = new Daemon(
    {
      rescan: (): Promise<string[]> => rescanManifests(manifests, { daemon, scan, log }),
      reconcile: (keys) =>
        reconcilePass(keys, { config, controller, scan, reporter, notifications }).finally(() => web?.changed()),
      onError(error, where) {
        const code = (error as { code?: string }).code;
        if (code === 'DOCKER_UNREACHABLE' || code === 'STATE_WRITE_FAILED') return; // reported by the tick
        log.err(`${where}: ${error instanceof Error ? error.message : String(error)}`, 'error');
      },
    },
    { passes: config.concurrency, debounceMs: config.debounceMs, resyncMs: config.resyncMs },
  );

  const watcher = new ManifestWatcher(path.resolve(config.manifests), {
    changed: () => daemon.fileChanged(),
    status: (mode, error) => {
      controller.annotate({ watch: { mode, lastError: error } });
      log.err(`watching ${config.manifests}: ${mode}${error ? ` (${error})` : ''}`, error ? 'warn' : 'info');
    },
  });
  const eventHandlers = dockerEventHandlers(daemon, log, scan);
  const events = overrides.events
    ? overrides.events(eventHandlers)
    : new DockerEventSource(config.dockerHost, config.name, eventHandlers, {
        silenceMs: config.eventSilenceMs ?? 30_000,
        timeoutMs: config.dockerTimeoutMs,
      });

  // Listen before anything starts: an address that cannot be had ends start-up with
  // nothing watched and nothing asked of Docker, and the state lock released.
  const health = daemonHealth(config, controller, scan, reporter);
  const web = config.healthAddr
    ? await serveHealthAddress(config.healthAddr, config.webToken, controller, health, log).catch((error: unknown) => {
        controller.close();
        throw error;
      })
    : undefined;
  let control: ControlServer | undefined;
  const stop = async () => {
    events.stop();
    await watcher.close();
    await daemon.stop();
    await notifications?.stop();
    control?.close();
    web?.close();
    controller.close();
  };
  try {
    control = await openControlSocket(daemon, controller, scan, log);
    await watcher.start();
    events.start();
    daemon.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { notices: controller.notices, health, stop };
}

/** `--notify`'s notifier, loaded only when asked for: a controller without it never reads its module. */
async function notificationsFor(
  config: DaemonConfig,
  controller: Controller,
  log: DaemonLog,
  overrides: DaemonOverrides,
): Promise<Notifications | undefined> {
  if (!config.notify) return undefined;
  const { startNotifications } = await import('./app-notifications.js');
  return startNotifications(config.notify, controller.state, log, overrides.notifier);
}

/**
 * Reads the manifest directory again for the daemon's queue: the workloads whose key
 * changed, and every one when the git revision moved; new problems are logged.
 */
async function rescanManifests(
  manifests: ManifestSource,
  { daemon, scan, log }: { daemon: Daemon; scan: Scan; log: DaemonLog },
): Promise<string[]> {
  const found = await manifests.rescan();
  ({ view: scan.view, revision: scan.revision } = found);
  if (found.rescanInMs !== undefined) daemon.rescanIn(found.rescanInMs);
  if (found.problemsChanged)
    for (const { file, line, column, message } of found.view.problems)
      log.err(`${file}:${line}:${column}: ${message}`, 'error', { file, line, column });
  // A new commit is news for every workload, changed or not: each records the revision it runs.
  return found.revisionChanged ? [...found.changed, ALL] : found.changed;
}

/**
 * `control.sock` beside the state file, for `reconcile`, `suspend` and `resume`. Opened
 * only with the state lock held: a socket already there is then a killed controller's.
 * The controller works without one (a warning says why): only those commands cannot reach it.
 */
function openControlSocket(
  daemon: Daemon,
  controller: Controller,
  scan: Scan,
  log: DaemonLog,
): Promise<ControlServer | undefined> {
  const socket = controlSocketPath(controller.stateFile);
  const handler = controlHandler({ daemon, controller, workloads: () => scan.view?.workloads ?? [] });
  return startControlServer(socket, handler).catch((error: unknown) => {
    log.err(`no control socket at ${socket}: ${(error as Error).message}`, 'warn');
    return undefined;
  });
}

/**
 * One reconcile of the daemon's queue: a pass over `keys` (or every workload), reported;
 * a failed state write or an unreachable Docker throws so the queue retries with backoff.
 */
async function reconcilePass(
  keys: readonly string[] | typeof ALL,
  {
    config,
    controller,
    scan,
    reporter,
    notifications,
  }: {
    config: DaemonConfig;
    controller: Controller;
    scan: Scan;
    reporter: PassReporter;
    notifications: Notifications | undefined;
  },
): Promise<{ failed: string[]; recheck: string[] }> {
  let result: TickResult;
  let failedWrite: StateWriteError | undefined;
  try {
    result = await controller.tick({
      heartbeatEveryMs: config.resyncMs,
      ...(scan.view ? { view: scan.view } : {}),
      revision: scan.revision,
      ...(keys === ALL ? {} : { scope: new Set(keys) }),
    });
  } catch (error) {
    if (!(error instanceof StateWriteError)) throw error;
    // The pass itself ran: report it, then have the queue retry these keys with backoff.
    [result, failedWrite] = [error.result, error];
  }
  reporter.pass(result, keys === ALL ? 'full' : 'scoped');
  notifications?.pass(controller.state);
  // A failure is an event too: kept in memory, it is in the first write that succeeds.
  if (reporter.write(failedWrite) && failedWrite)
    controller.annotate(
      {},
      {
        at: new Date().toISOString(),
        type: 'Warning',
        workload: null,
        reason: Reason.StateWriteFailed,
        message: failedWrite.message,
      },
    );
  if (keys === ALL) {
    scan.fullPassDone = true;
    // A full pass over every manifest is the burst: give its garbage back.
    releaseMemory();
  }
  if (failedWrite) throw failedWrite;
  if (!result.outcome.dockerReachable)
    throw Object.assign(new Error('Docker is unreachable'), { code: 'DOCKER_UNREACHABLE' });
  const retry = result.outcome.failed.filter((id) => result.state.workloads[id]?.phase !== 'Invalid');
  return { failed: retry, recheck: result.outcome.rolling };
}

/**
 * Docker's events wake the workloads they name; a reconnected stream relists everything.
 * While the stream is down (broken or stalled) the controller is not ready.
 */
function dockerEventHandlers(daemon: Daemon, log: DaemonLog, scan: Scan): DockerEventHandlers {
  return {
    // Docker lists a container as running for some 15 ms after its `die` event: look again.
    workload: (id, action) =>
      daemon.workloadChanged(id, ['die', 'kill', 'stop', 'oom'].includes(action) ? 50 : undefined),
    reconnected: () => {
      scan.eventsDown = null;
      log.err('Docker event stream reconnected; relisting', 'info');
      daemon.resyncNow();
    },
    lost: (reason) => {
      scan.eventsDown = reason;
      log.err(`${reason}; reconnecting`, 'warn');
    },
    // The line may have named a workload: look at everything again.
    unreadable: (what) => {
      log.err(`Docker event stream: skipped a line that is not an event: ${what}; relisting`, 'warn');
      daemon.resyncNow();
    },
  };
}
