import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { loadControllerKey } from './adapters/controller-key.js';
import { gitRevision } from './adapters/git-revision.js';
import { readEnvFile, referenceDigest } from './adapters/reference-files.js';
import { acquireStateLock } from './adapters/state-lock.js';
import { StateStore } from './adapters/state-store.js';
import { systemClock } from './adapters/system-clock.js';
import type { Adapter } from 'lowdb';
import type { ControllerState } from './api/state-types.js';
import type { Reference, Workload } from './api/workload.js';
import type { Clock } from './reconcile/clock.js';
import type { DockerPort } from './reconcile/docker-port.js';
import { initialState } from './reconcile/initial-state.js';
import { ContainerBackend } from './reconcile/container-backend.js';
import { reconcileTick } from './reconcile/reconcile-tick.js';
import type { TickResult } from './reconcile/reconcile-tick.js';
import { RestartBudget } from './reconcile/restart-budget.js';
import { executionLimits } from './reconcile/execute-plan.js';
import { mergeScoped } from './reconcile/merge-state.js';
import path from 'node:path';
import type { Policy } from './api/policy.js';
import { createFsFileAccess } from './adapters/fs-file-access.js';
import { safeReadText } from './adapters/safe-read.js';
import { scanManifestDirectory } from './adapters/scan-manifest-directory.js';
import { readSchemaFiles } from './adapters/schema-files.js';
import { loadPrecompiled } from './adapters/precompiled.js';
import { loadManifests } from './manifest/load-manifests.js';
import type { LoadResult, ManifestText } from './manifest/load-manifests.js';
import { MANIFEST_VALIDATORS, SchemaValidator } from './manifest/schema-validator.js';
import type { CompiledSchemas } from './manifest/schema-validator.js';
import { schemaFingerprint } from './manifest/schema-set.js';
import type { SchemaSet } from './manifest/schema-set.js';
import type { Problem } from './api/problem.js';
import { CaddyRoutes } from './adapters/caddy-routes.js';
import { isLoopbackPortFree } from './adapters/host-ports.js';
import { portAllocator } from './reconcile/port-allocator.js';
import type { PortRange } from './reconcile/port-allocator.js';
import { recordOnlyRoutes } from './reconcile/route-provider.js';
import { loadState, peekState } from './app-state.js';

/** What loading a manifest directory (or a few files) found, plus whether the directory was readable at all. */
export interface DirectoryLoad extends LoadResult {
  root: string;
  /** The directory could not be read: nothing may be concluded from it (no pruning). */
  unreadable?: string;
  /** How many manifest files were found. */
  fileCount: number;
  /**
   * What the load was made from: the manifest texts and what they refer to. A load
   * with the same key would find the same; absent when the load had problems.
   */
  contentKey?: string;
}

/** The JSON Schemas shipped in schemas/. */
export function readSchemas(): SchemaSet {
  return readSchemaFiles();
}

let validator: SchemaValidator | undefined;
/**
 * The schema validator, once per process: the build's precompiled validators when they
 * match the schemas on disk, else compiled now.
 */
export function schemaValidator(): SchemaValidator {
  if (validator) return validator;
  const schemas = readSchemaFiles();
  validator = new SchemaValidator(
    schemas,
    loadPrecompiled<CompiledSchemas>(MANIFEST_VALIDATORS, schemaFingerprint(schemas)),
  );
  return validator;
}

/**
 * Loads manifests from the file system: a directory (recursively), or explicit files with
 * `root` as their manifest directory. Paths in problems are shown relative to `cwd`
 * (default: the current folder) when they lie below it. `previous` is answered as it is
 * when nothing it was made from changed (the long-running controller's resync): the
 * texts are read again, but not parsed and validated again.
 */
export function loadFromDisk(
  target: { dir: string } | { files: string[]; root: string },
  policy: Policy,
  options: { cwd?: string; previous?: DirectoryLoad } = {},
): DirectoryLoad {
  const access = createFsFileAccess(options.cwd);
  const scanProblems: Problem[] = [];
  let root: string;
  let realRoot: string;
  let files: ManifestText[];
  let unreadable: string | undefined;
  if ('dir' in target) {
    const scan = scanManifestDirectory(target.dir, access.display);
    ({ root, realRoot, files, unreadable } = scan);
    scanProblems.push(...scan.problems);
  } else {
    root = path.resolve(target.root);
    realRoot = safeRealpath(root);
    files = [];
    for (const file of target.files) {
      const absolute = path.resolve(file);
      const read = safeReadText(absolute);
      if ('error' in read)
        scanProblems.push({ file: access.display(absolute), line: 1, column: 1, path: '', message: read.error });
      else files.push({ path: absolute, text: read.text });
    }
  }
  const texts = unreadable === undefined && scanProblems.length === 0 ? textsKey(files) : undefined;
  const { previous } = options;
  if (
    texts !== undefined &&
    previous?.contentKey !== undefined &&
    previous.contentKey === contentKey(texts, previous.workloads)
  )
    return previous;
  const result = loadManifests({ root, realRoot, files, access, policy, validator: schemaValidator() });
  const problems = [...scanProblems, ...result.problems];
  return {
    ...result,
    problems,
    invalidFiles: [...new Set([...result.invalidFiles, ...scanProblems.map((p) => p.file)])].sort(),
    root,
    fileCount: files.length + scanProblems.length,
    ...(unreadable !== undefined ? { unreadable } : {}),
    // Only a clean load is reused: a problem may go away with a file no manifest names yet.
    ...(texts !== undefined && problems.length === 0 ? { contentKey: contentKey(texts, result.workloads) } : {}),
  };
}

function textsKey(files: readonly ManifestText[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.path}\0${file.text.length}\0`).update(file.text);
  return hash.digest('hex');
}

/** The manifest texts, and where the files they refer to lead and what those hold. */
function contentKey(texts: string, workloads: readonly Workload[]): string {
  const hash = createHash('sha256').update(texts);
  for (const w of workloads) {
    for (const r of w.references) {
      let real: string;
      try {
        real = fs.realpathSync(r.path);
      } catch {
        real = 'missing';
      }
      const read = r.kind === 'envFile' || r.kind === 'composeFile' ? safeReadText(r.path) : undefined;
      hash.update(
        `\0${r.path}\0${real}\0${read === undefined ? '' : 'text' in read ? createHash('sha256').update(read.text).digest('hex') : read.error}`,
      );
    }
  }
  return hash.digest('hex');
}

function safeRealpath(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}

/** Everything `run` and `plan` are configured with (README: Command line). */
export interface ControllerConfig {
  manifests: string;
  state: string;
  name: string;
  dockerHost: string;
  dockerTimeoutMs: number;
  concurrency: number;
  allowEmpty: boolean;
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
  /** Changes the controller section of the state (watch mode, resync interval); written with the next tick. */
  annotate(change: Partial<ControllerState['controller']>): void;
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

/** What tests put in place of the engine, the clock and the state file's adapter. */
export interface ControllerOverrides {
  docker?: DockerPort;
  clock?: Clock;
  stateAdapter?: Adapter<ControllerState>;
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
    const key = loadControllerKey(stateFile, mode === 'run', (file) =>
      notices.push(`created the controller key ${file} (mode 0600); keep it with the state file`),
    );
    const defaults = initialState({ name: config.name, manifestDir: config.manifests, pid: process.pid }, clock.now());
    const store = new StateStore(stateFile, defaults, overrides.stateAdapter);
    let state =
      mode === 'run' ? await loadState(store, clock.now(), notices) : await peekState(stateFile, defaults, notices);
    state.controller = {
      ...state.controller,
      name: config.name,
      pid: process.pid,
      startedAt: defaults.controller.startedAt,
      manifestDir: config.manifests,
    };
    const realRoot = safeRealpath(path.resolve(config.manifests));
    // Loaded on demand: dockerode pulls in gRPC and protobuf, which validate and status never need.
    const { DockerodePort } = await import('./adapters/dockerode-port.js');
    const docker =
      overrides.docker ??
      new DockerodePort({
        host: config.dockerHost,
        timeoutMs: config.dockerTimeoutMs,
        scope: { policy: config.policy, manifestDir: realRoot },
      });
    const budget = new RestartBudget(clock);
    const limits = executionLimits(config.concurrency);
    const digest = referenceDigest(key);
    const ports = portAllocator(config.portRange, isLoopbackPortFree);
    const routes =
      config.routes === 'caddy'
        ? new CaddyRoutes({ ...config.caddy, timeoutMs: config.dockerTimeoutMs })
        : recordOnlyRoutes;
    const backend = new ContainerBackend({
      docker,
      key,
      controller: config.name,
      clock,
      readEnvFile,
      concurrency: config.concurrency,
      settle: { timeoutMs: config.settleTimeoutMs, pollMs: 100, graceMs: 250 },
      healed: (rowId) => budget.record(rowId),
      limits,
      routes,
      ports,
    });
    return {
      stateFile,
      notices,
      digest,
      close: release,
      get state() {
        return state;
      },
      annotate(change) {
        state = { ...state, controller: { ...state.controller, ...change } };
      },
      async tick(request = {}) {
        const view = request.view ?? loadFromDisk({ dir: config.manifests }, config.policy);
        const revision =
          request.revision !== undefined ? request.revision : gitRevision(path.resolve(config.manifests));
        const before = { ...state, controller: { ...state.controller, revision } };
        const result = await reconcileTick(
          before,
          view,
          { backend, key, controller: config.name, clock, digest, mayHeal: (rowId) => budget.allows(rowId), routes },
          {
            dryRun: mode === 'plan',
            allowEmpty: config.allowEmpty,
            revision,
            ...(request.scope ? { scope: request.scope } : {}),
          },
        );
        if (mode === 'run') {
          // Ticks of other workloads may have finished meanwhile: fold this one in. What was
          // annotated during the tick (the watch mode) is the newest word on it.
          const merged = request.scope ? mergeScoped(state, result.state, result.events, request.scope) : result.state;
          state = {
            ...merged,
            controller: {
              ...merged.controller,
              watch: state.controller.watch,
              resyncSeconds: state.controller.resyncSeconds,
            },
          };
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
