import { readEnvFile } from '../../src/adapters/reference-files.js';
import type { ObservedNode } from '../../src/api/observed-service.js';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { loadFromDisk } from '../../src/app.js';
import type { Backend } from '../../src/reconcile/backend.js';
import type { ManifestView } from '../../src/reconcile/reconcile-tick.js';
import { SwarmBackend } from '../../src/reconcile/swarm-backend.js';
import { FakeSwarm } from './fake-swarm.js';
import { TickHarness } from './tick-harness.js';

/** The pass over a Swarm cluster in memory, with real manifests from a folder, loaded as `--backend swarm` loads them. */
export class SwarmHarness<S extends FakeSwarm = FakeSwarm> extends TickHarness {
  readonly swarm: S;
  /** The cluster as a start-up check saw it, if the backend is given it. */
  seed: { nodes: ObservedNode[]; nodeId: string | null } | undefined;

  #backend: Backend | undefined;

  constructor(dir: string, swarm?: S) {
    super(dir);
    this.swarm = swarm ?? (new FakeSwarm() as S);
  }

  /** One backend for the harness's life, as a controller has: it keeps what it learnt of the cluster. */
  override get backend(): Backend {
    this.#backend ??= new SwarmBackend({
      port: this.swarm,
      key: this.key,
      controller: 'default',
      clock: this.clock,
      readEnvFile,
      concurrency: 4,
      settle: { timeoutMs: 60_000, pollMs: 100 },
      ...(this.seed ? { cluster: this.seed } : {}),
      ...(this.routes ? { routes: this.routes } : {}),
    });
    return this.#backend;
  }

  /** The one service of a name, as the cluster holds it. */
  service(name: string) {
    return [...this.swarm.services_.values()].find((s) => s.name === name);
  }

  override view(): ManifestView {
    return loadFromDisk({ dir: this.dir }, DEFAULT_POLICY, { cwd: this.dir, backend: 'swarm' });
  }
}
