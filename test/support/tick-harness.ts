import { randomBytes } from 'node:crypto';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import type { ControllerState } from '../../src/api/state-types.js';
import { loadFromDisk } from '../../src/app.js';
import { readEnvFile, referenceDigest } from '../../src/adapters/reference-files.js';
import { initialState } from '../../src/reconcile/initial-state.js';
import type { Backend } from '../../src/reconcile/backend.js';
import { ContainerBackend } from '../../src/reconcile/container-backend.js';
import { reconcileTick } from '../../src/reconcile/reconcile-tick.js';
import type { RouteProvider } from '../../src/reconcile/route-provider.js';
import type { ManifestView, TickResult } from '../../src/reconcile/reconcile-tick.js';
import { EngineWatch } from '../../src/reconcile/engine-check.js';
import { FakeClock, FakeDocker } from './fake-docker.js';

/** A fresh state, as a controller that has not ticked yet has. */
export function emptyState(now: Date): ControllerState {
  return initialState({ name: 'default', manifestDir: 'manifests', pid: 1 }, now);
}

/**
 * The reconciler against a FakeDocker, with real manifests from a folder: each `tick()`
 * loads the folder, runs one tick, and keeps the state for the next one.
 */
export class TickHarness {
  readonly clock = new FakeClock();
  readonly docker = new FakeDocker(this.clock);
  readonly key = randomBytes(32);
  state: ControllerState;
  mayHeal: (rowId: string) => boolean = () => true;
  /** Kept across ticks, as the controller keeps it. */
  readonly engineWatch = new EngineWatch(2000);
  /** The reverse proxy; default: routes only recorded. */
  routes: RouteProvider | undefined;

  constructor(readonly dir: string) {
    this.state = emptyState(this.clock.now());
  }

  /** The engine as a pass sees it: made per tick, so that the proxy set on the harness is the one used. */
  get backend(): Backend {
    return new ContainerBackend({
      docker: this.docker,
      key: this.key,
      controller: 'default',
      clock: this.clock,
      readEnvFile,
      concurrency: 4,
      settle: { timeoutMs: 1000, pollMs: 100 },
      ...(this.routes ? { routes: this.routes } : {}),
    });
  }

  view(): ManifestView {
    return loadFromDisk({ dir: this.dir }, DEFAULT_POLICY, { cwd: this.dir });
  }

  async tick(
    options: { dryRun?: boolean; allowEmpty?: boolean; acceptNewEngine?: boolean; view?: ManifestView } = {},
  ): Promise<TickResult> {
    const result = await reconcileTick(
      this.state,
      options.view ?? this.view(),
      {
        backend: this.backend,
        key: this.key,
        controller: 'default',
        clock: this.clock,
        digest: referenceDigest(this.key),
        mayHeal: (rowId) => this.mayHeal(rowId),
        engineWatch: this.engineWatch,
        ...(this.routes ? { routes: this.routes } : {}),
      },
      {
        dryRun: options.dryRun ?? false,
        allowEmpty: options.allowEmpty ?? false,
        acceptNewEngine: options.acceptNewEngine ?? false,
        revision: null,
      },
    );
    if (!options.dryRun) this.state = result.state;
    return result;
  }
}
