import { loadControllerKey } from './adapters/controller-key.js';
import { gitRevision } from './adapters/git-revision.js';
import { readEnvFile, referenceDigest } from './adapters/reference-files.js';
import { controlSocketPath, removeStaleSocket } from './adapters/control-server.js';
import { acquireStateLock } from './adapters/state-lock.js';
import { StateStore } from './adapters/state-store.js';
import { systemClock } from './adapters/system-clock.js';
import type { Adapter } from 'lowdb';
import { MAX_EVENTS } from './api/state-types.js';
import type { ControllerState, StateEvent } from './api/state-types.js';
import type { Reference } from './api/workload.js';
import type { Clock } from './reconcile/clock.js';
import type { DockerPort } from './reconcile/docker-port.js';
import type { Progress } from './reconcile/progress.js';
import { initialState } from './reconcile/initial-state.js';
import { ContainerBackend } from './reconcile/container-backend.js';
import { PassFailedError, reconcileTick } from './reconcile/reconcile-tick.js';
import type { TickDeps, TickResult } from './reconcile/reconcile-tick.js';
import { RestartBudget } from './reconcile/restart-budget.js';
import { executionLimits } from './reconcile/execute-deps.js';
import { mergeScoped } from './reconcile/merge-state.js';
import path from 'node:path';
import type { Policy } from './api/policy.js';
import { isLoopbackPortFree } from './adapters/host-ports.js';
import { type CallObserver, timedCalls } from './adapters/timed-calls.js';
import { portAllocator } from './reconcile/port-allocator.js';
import type { PortRange } from './reconcile/port-allocator.js';
import { recordOnlyRoutes } from './reconcile/route-provider.js';
import type { RouteProvider } from './reconcile/route-provider.js';
import { loadState, peekState } from './app-state.js';
import { loadDirectory } from './adapters/load-cache.js';
import { type DirectoryLoad, safeRealpath } from './adapters/manifest-loader.js';
import { DELETION_GRACE_MS } from './adapters/manifest-source.js';
import { EngineWatch } from './reconcile/engine-check.js';

export { loadFromDisk, readSchemas, schemaValidator } from './app-manifests.js';
export type { DirectoryLoad } from './app-manifests.js';

/** Everything `run` and `plan` are configured with (README: Command line). */
export interface ControllerConfig {
  manifests: string;
  state: string;
  name: string;
  dockerHost: string;
  /** What workloads become: containers on the engine, or services of the Swarm cluster it manages. */
  backend: 'docker' | 'swarm';
  dockerTimeoutMs: number;
  concurrency: number;
  allowEmpty: boolean;
  /** `--accept-new-engine`: a list on another engine ID than the state file's is acted on, and that ID recorded. */
  acceptNewEngine: boolean;
  policy: Policy;
  settleTimeoutMs: number;
  /** Host ports for Project slots. */
  portRange: PortRange;
  /** The route provider: `none` records routes in the state file only. */
  routes: 'none' | 'caddy';
  /** `--routes caddy`: its admin API, the server that gets the routes, where that server listens. */
  caddy: { admin: string; server: string; listen: string };
}

export interface TickRequest {
  /** Skip a write that would change only the heartbeat, unless the last one is older than this. */
  heartbeatEveryMs?: number;
  /** Act on these workloads only; the others keep their status. */
  scope?: ReadonlySet<string>;
  /** The manifests as last read; default: read them now. */
  view?: DirectoryLoad;
  /** The git revision of that read; default: ask git now. */
  revision?: string | null;
}

export interface Controller {
  /** One reconcile: tick, then write the state (never in `plan` mode); a failed write throws StateWriteError. */
  tick(request?: TickRequest): Promise<TickResult>;
  /** Releases the state lock. */
  close(): void;
  readonly stateFile: string;
  readonly notices: string[];
  /** The state as last written (run) or read (plan). */
  readonly state: ControllerState;
  /**
   * Changes the controller section of the state (watch mode, resync interval) and adds
   * `event` to its events (the last MAX_EVENTS kept); written with the next tick.
   */
  annotate(change: Partial<ControllerState['controller']>, event?: StateEvent): void;
  /** The keyed digest of a referenced file's bytes that spec hashes use. */
  readonly digest: (reference: Reference) => string;
}

/**
 * A pass ran but its state could not be written (a full disk, a folder made read-only).
 * The state stays in memory and the next pass writes it; `result` is the pass's outcome.
 */
export class StateWriteError extends Error {
  readonly code = 'STATE_WRITE_FAILED';

  constructor(
    file: string,
    cause: unknown,
    readonly result: TickResult,
  ) {
    super(`cannot write the state file ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** What tests put in place of the engine, the clock and the state file's adapter; who is told of each action. */
export interface ControllerOverrides {
  docker?: DockerPort;
  clock?: Clock;
  stateAdapter?: Adapter<ControllerState>;
  /** Told as each action of a pass begins and ends (`run --once` on a terminal, `/metrics`); default: nobody. */
  progress?: Progress;
  /** Told how long each call to Docker took, and of each restart self-heal made (`/metrics`); default: nobody. */
  dockerCall?: CallObserver;
  restarted?: () => void;
}

/**
 * Wires a controller: the state lock (run only), the controller key (created by run,
 * never by plan), the state file (a corrupt one is moved aside and rebuilt), Docker
 * through dockerode, and the manifest loader.
 */
export async function openController(
  config: ControllerConfig,
  mode: 'run' | 'plan',
  overrides: ControllerOverrides = {},
): Promise<Controller> {
  const clock = overrides.clock ?? systemClock;
  const stateFile = path.resolve(config.state);
  const release = mode === 'run' ? acquireStateLock(stateFile, `tinyforge run --name ${config.name}`) : () => undefined;
  const notices: string[] = [];
  try {
    // Holding the lock, a control socket here is a killed controller's: `run --once` tidies it too.
    if (mode === 'run') removeStaleSocket(controlSocketPath(stateFile));
    const key = loadControllerKey(stateFile, mode === 'run', (file) =>
      notices.push(`created the controller key ${file} (mode 0600); keep it with the state file`),
    );
    const defaults = initialState({ name: config.name, manifestDir: config.manifests, pid: process.pid }, clock.now());
    const store = new StateStore(stateFile, defaults, overrides.stateAdapter);
    let state = await openState(config, mode, { store, stateFile, defaults, notices, clock });
    const budget = new RestartBudget(clock);
    const deps = await tickDeps(config, { ...overrides, key, clock, budget });
    const { digest } = deps;
    return {
      stateFile,
      notices,
      digest,
      close: release,
      get state() {
        return state;
      },
      annotate(change, event) {
        state = { ...state, controller: { ...state.controller, ...change } };
        if (event) state.events = [...state.events, event].slice(-MAX_EVENTS);
      },
      async tick(request = {}) {
        const view =
          request.view ?? loadDirectory(config.manifests, config.policy, config.backend, { readOnly: mode === 'plan' });
        const revision =
          request.revision !== undefined ? request.revision : gitRevision(path.resolve(config.manifests));
        const before = { ...state, controller: { ...state.controller, revision } };
        const result = await reconcileTick(before, view, deps, {
          dryRun: mode === 'plan',
          allowEmpty: config.allowEmpty,
          acceptNewEngine: config.acceptNewEngine,
          revision,
          ...(request.scope ? { scope: request.scope } : {}),
        }).catch(async (error: unknown) => {
          // A pass that broke still writes what it knew (its event and heartbeat), then reports the defect.
          if (mode === 'run' && error instanceof PassFailedError) {
            state = foldIn(state, error.result, request.scope);
            await store.save(state, { now: clock.now() }).catch(() => undefined);
          }
          throw error instanceof PassFailedError ? error.cause : error;
        });
        if (mode === 'run') {
          state = foldIn(state, result, request.scope);
          // Each save stands alone: one that fails leaves the state in memory for the next to write.
          await store
            .save(state, { heartbeatEveryMs: request.heartbeatEveryMs, now: clock.now() })
            .catch((error: unknown) => {
              throw new StateWriteError(stateFile, error, result);
            });
        }
        return result;
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** The engine a test hands in, and who is told of each action. */
type Engine = Pick<ControllerOverrides, 'docker' | 'progress' | 'dockerCall' | 'restarted'>;

/** What every pass of this controller is given: the backend, the key, the clock, the restart budget, the routes. */
async function tickDeps(
  config: ControllerConfig,
  parts: Engine & { key: Buffer | undefined; clock: Clock; budget: RestartBudget },
): Promise<TickDeps> {
  const { key, clock, budget } = parts;
  const routes = await routeProvider(config);
  const backend =
    config.backend === 'swarm'
      ? await (await import('./app-swarm.js')).swarmBackend(config, { key, clock, routes, calls: parts.dockerCall })
      : await containerBackend(config, { ...parts, routes });
  return {
    backend,
    key,
    controller: config.name,
    clock,
    digest: referenceDigest(key),
    mayHeal: (rowId: string) => budget.allows(rowId),
    // A vanished container is confirmed as a vanished manifest is: absent in two reads the grace apart.
    engineWatch: new EngineWatch(DELETION_GRACE_MS),
    routes,
  };
}

/** The state to start from (run loads and repairs it, plan only peeks), stamped with this controller. */
async function openState(
  config: ControllerConfig,
  mode: 'run' | 'plan',
  from: { store: StateStore; stateFile: string; defaults: ControllerState; notices: string[]; clock: Clock },
): Promise<ControllerState> {
  const { store, stateFile, defaults, notices, clock } = from;
  const state =
    mode === 'run' ? await loadState(store, clock.now(), notices) : await peekState(stateFile, defaults, notices);
  state.controller = {
    ...state.controller,
    name: config.name,
    backend: config.backend,
    pid: process.pid,
    startedAt: defaults.controller.startedAt,
    manifestDir: config.manifests,
  };
  return state;
}

/** `--routes caddy` sets routes through Caddy's admin API; `none` records them in the state file only. */
async function routeProvider(config: ControllerConfig): Promise<RouteProvider> {
  if (config.routes !== 'caddy') return recordOnlyRoutes;
  const { CaddyRoutes } = await import('./adapters/caddy-routes.js');
  return new CaddyRoutes({ ...config.caddy, timeoutMs: config.dockerTimeoutMs });
}

/** Docker as the reconciler sees it: dockerode (or the test's fake), settling, host ports and routes. */
async function containerBackend(
  config: ControllerConfig,
  parts: Engine & { key: Buffer | undefined; clock: Clock; budget: RestartBudget; routes: RouteProvider },
): Promise<ContainerBackend> {
  const { key, clock, budget, routes } = parts;
  const realRoot = safeRealpath(path.resolve(config.manifests));
  // Loaded on demand: dockerode pulls in gRPC and protobuf, which validate and status never need.
  const { DockerodePort } = await import('./adapters/dockerode-port.js');
  const docker =
    parts.docker ??
    new DockerodePort({
      host: config.dockerHost,
      timeoutMs: config.dockerTimeoutMs,
      scope: { policy: config.policy, manifestDir: realRoot },
    });
  return new ContainerBackend({
    docker: parts.dockerCall ? timedCalls(docker, parts.dockerCall) : docker,
    key,
    controller: config.name,
    clock,
    readEnvFile,
    concurrency: config.concurrency,
    settle: { timeoutMs: config.settleTimeoutMs, pollMs: 100, graceMs: 250 },
    healed: (rowId) => {
      budget.record(rowId);
      parts.restarted?.();
    },
    limits: executionLimits(config.concurrency),
    routes,
    ports: portAllocator(config.portRange, isLoopbackPortFree),
    ...(parts.progress ? { progress: parts.progress } : {}),
  });
}

/**
 * A run's pass folded into the state: ticks of other workloads may have finished meanwhile.
 * What was annotated during the tick (the watch mode, a suspension) is the newest word on it.
 */
function foldIn(state: ControllerState, result: TickResult, scope: ReadonlySet<string> | undefined): ControllerState {
  const merged = mergeScoped(state, result.state, result.events, scope);
  return {
    ...merged,
    controller: {
      ...merged.controller,
      watch: state.controller.watch,
      resyncSeconds: state.controller.resyncSeconds,
      ...(state.controller.suspended ? { suspended: state.controller.suspended } : {}),
    },
  };
}
