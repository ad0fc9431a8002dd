import { readEnvFile } from '../../src/adapters/reference-files.js';
import type { Backend } from '../../src/reconcile/backend.js';
import { SwarmBackend } from '../../src/reconcile/swarm-backend.js';
import { FakeSwarm } from './fake-swarm.js';
import { TickHarness } from './tick-harness.js';

/** The pass over a Swarm cluster in memory (FakeSwarm), with real manifests from a folder. */
export class SwarmHarness extends TickHarness {
  readonly swarm = new FakeSwarm();

  #backend: Backend | undefined;

  /** One backend for the harness's life, as a controller has: it keeps what it learnt of the nodes. */
  override get backend(): Backend {
    this.#backend ??= new SwarmBackend({
      port: this.swarm,
      key: this.key,
      controller: 'default',
      clock: this.clock,
      readEnvFile,
      concurrency: 4,
      settle: { timeoutMs: 60_000, pollMs: 100 },
    });
    return this.#backend;
  }

  /** The one service of a name, as the cluster holds it. */
  service(name: string) {
    return [...this.swarm.services_.values()].find((s) => s.name === name);
  }
}
