import path from 'node:path';
import { DockerodeLogs } from './adapters/container-logs.js';
import { loadControllerKey } from './adapters/controller-key.js';
import type { LogChunk, LogOptions, LogSink, LogTarget, OpenLog } from './api/container-log.js';
import { serviceLogs } from './app-service-logs.js';
import { classify } from './reconcile/classify.js';

export type { LogChunk, LogOptions, LogSink, LogTarget, OpenLog };

/** A workload's logs as `tinyforge logs` reads them. */
export interface WorkloadLogs {
  /** The workload's owned containers on the engine (stopped ones too), by role, replica and slot. */
  targets(workloadId: string): Promise<LogTarget[]>;
  /** Streams one container's log (timestamped lines) to `sink`. */
  open(target: LogTarget, options: LogOptions, sink: LogSink): Promise<OpenLog>;
}

/**
 * The engine's containers of a workload, owned ones only (DESIGN.md section 2: the
 * signature verifies with the controller key beside the state file; without a key
 * nothing is owned). The key is only read, never created. Under the swarm backend (the
 * one the state file names, as for `status`): the workload's owned services' tasks.
 */
export function workloadLogs(config: {
  dockerHost: string;
  state: string;
  name: string;
  timeoutMs: number;
  backend?: 'docker' | 'swarm';
}): WorkloadLogs {
  const engine = new DockerodeLogs(config.dockerHost, config.timeoutMs);
  const key = loadControllerKey(path.resolve(config.state), false);
  if (config.backend === 'swarm') return serviceLogs(engine, { ...config, key });
  return {
    async targets(workloadId) {
      const listed = await engine.list(workloadId, config.name);
      const owned = classify(listed, config.name, key, new Set([workloadId])).owned.get(workloadId) ?? [];
      return owned
        .map(({ container, identity }) => ({
          containerId: container.id,
          role: identity.role,
          replica: identity.replica,
          slot: identity.slot,
          state: container.state,
        }))
        .sort(byPlace);
    },
    open: (target, options, sink) => engine.open(target.containerId, options, sink),
  };
}

function byPlace(a: LogTarget, b: LogTarget): number {
  return a.role.localeCompare(b.role) || a.replica - b.replica || (a.slot ?? '').localeCompare(b.slot ?? '');
}
