import type { DockerodeLogs } from './adapters/container-logs.js';
import { DockerodeSwarmPort } from './adapters/dockerode-swarm-port.js';
import { slotSink } from './adapters/service-log-lines.js';
import type { TaskSlots } from './adapters/service-log-lines.js';
import type { LogOptions, LogTarget } from './api/container-log.js';
import type { WorkloadLogs } from './app-logs.js';
import { NotASwarmManagerError } from './app-swarm.js';
import type { ObservedTask } from './api/observed-service.js';
import { DEFAULT_POLICY } from './api/policy.js';
import { ownedServiceIdentity } from './reconcile/swarm-tasks.js';

/**
 * A workload's logs under the swarm backend: its owned services (the signature the swarm
 * backend checks), one target per slot (replica) with a task, read through the manager's
 * service logs and cut apart by the task each line names.
 */
export function serviceLogs(
  engine: DockerodeLogs,
  config: { dockerHost: string; name: string; timeoutMs: number; key: Buffer | undefined },
): WorkloadLogs {
  // Only reads: the policy is never consulted.
  const scope = { policy: DEFAULT_POLICY, manifestDir: '' };
  const port = new DockerodeSwarmPort({ host: config.dockerHost, timeoutMs: config.timeoutMs, scope });
  const slots = new Map<string, number>();
  let manager: Promise<void> | undefined;
  const learn = (tasks: readonly ObservedTask[]) => {
    for (const task of tasks) slots.set(task.id, task.slot);
  };
  return {
    async targets(workloadId) {
      manager ??= port.cluster().then((cluster) => {
        if (!cluster.manager)
          throw new NotASwarmManagerError(
            `the engine at ${config.dockerHost} is not a Swarm manager: service logs are read through a manager`,
          );
      });
      // A failed look is asked again next time (the engine restarting under `-f`).
      await manager.catch((error: unknown) => {
        manager = undefined;
        throw error;
      });
      const roles = (await port.services()).flatMap((service) => {
        const identity = ownedServiceIdentity(service, config.key);
        const ours = identity?.controller === config.name && identity.workloadId === workloadId;
        return ours ? [{ serviceId: service.id, role: identity.role }] : [];
      });
      const tasks = await port.tasks(roles.map((r) => r.serviceId));
      learn(tasks);
      return roles.flatMap(({ serviceId, role }) => slotTargets(serviceId, role, tasks));
    },
    open(target, options, sink) {
      const serviceId = target.containerId.slice(0, target.containerId.lastIndexOf('.'));
      const known: TaskSlots = {
        slotOf: (taskId) => slots.get(taskId),
        refresh: () => port.tasks([serviceId]).then(learn, () => undefined),
      };
      return engine.openService(serviceId, followFromNow(options, Date.now()), slotSink(target.replica, known, sink));
    },
  };
}

/**
 * `-f --tail 0` as "from now on": one service stream also carries the tasks that start
 * later, and Swarm applies `tail` to each of them as it reaches it, so `tail: 0` would
 * drop a new task's first lines (those it printed before the stream reached it).
 */
export function followFromNow(options: LogOptions, nowMs: number): LogOptions {
  if (!options.follow || options.tail !== 0 || options.sinceSeconds !== undefined) return options;
  return { follow: true, sinceSeconds: nowMs / 1000 };
}

/**
 * One target per slot that has a task (history included: a task that failed has the
 * last words), named `<service id>.<slot>`; running when the slot's newest task runs.
 */
export function slotTargets(serviceId: string, role: string, tasks: readonly ObservedTask[]): LogTarget[] {
  const newest = new Map<number, ObservedTask>();
  for (const task of tasks) {
    if (task.serviceId !== serviceId || task.slot < 1) continue;
    const seen = newest.get(task.slot);
    if (!seen || task.created > seen.created) newest.set(task.slot, task);
  }
  return [...newest.values()]
    .sort((a, b) => a.slot - b.slot)
    .map((task) => ({
      containerId: `${serviceId}.${task.slot}`,
      role,
      replica: task.slot,
      slot: null,
      state: task.state === 'running' ? 'running' : 'exited',
    }));
}
