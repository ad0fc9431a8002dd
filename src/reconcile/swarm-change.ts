import { roleKey } from './backend.js';
import { Label } from '../api/labels.js';
import type { ObservedService } from '../api/observed-service.js';
import type { ContainerSpec } from './container-spec.js';
import type { DesiredContainer } from './desired.js';
import type { Lookup } from './lazy.js';
import type { Action } from './plan.js';
import { specChanges } from './spec-changes.js';

/** The one call a workload role's actions come to on its service, with its cause; none when the service is as wanted. */
export interface ServiceChange {
  type: 'create' | 'update' | 'remove';
  cause: string;
}

/** The pass's container actions of one workload role: what one service call is made of. */
export interface RoleActions {
  /** `<workload id>:<role>`. */
  key: string;
  workloadId: string;
  role: string;
  actions: Action[];
}

/**
 * The plan's actions by workload role, in the order the roles first appear; routes are
 * not a service's and are left out. Applying a plan and describing it both group this way.
 */
export function byRole(actions: readonly Action[]): RoleActions[] {
  const groups = new Map<string, RoleActions>();
  for (const action of actions) {
    if (action.type === 'route' || action.type === 'unroute') continue;
    const role = roleOf(action);
    const key = roleKey(action.workloadId, role);
    const group = groups.get(key) ?? { key, workloadId: action.workloadId, role, actions: [] };
    group.actions.push(action);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** What a role converges to: its workload's desired containers of that role. */
export function wantedOf(
  group: RoleActions,
  target: ReadonlyMap<string, readonly DesiredContainer[]>,
): DesiredContainer[] {
  return (target.get(group.workloadId) ?? []).filter((d) => d.role === group.role);
}

/**
 * What a role's service needs (DESIGN.md section 7): created when it is missing, removed
 * when the role is not wanted, updated in place when its spec hash or replica count is not
 * the manifest's or someone changed it outside tinyforge; otherwise nothing (a task
 * starting, failing or restarting is Swarm's business).
 */
export function serviceChange(
  service: ObservedService | undefined,
  wanted: readonly DesiredContainer[],
  group: RoleActions,
  specs: Lookup<string, ContainerSpec>,
): ServiceChange | undefined {
  if (wanted.length === 0) {
    const removal = group.actions.find((a) => a.type === 'remove');
    return service ? { type: 'remove', cause: removal?.cause ?? 'not wanted' } : undefined;
  }
  if (!service) {
    const replicas = `${wanted.length} ${wanted.length === 1 ? 'replica' : 'replicas'}`;
    const vanished = group.actions.every((a) => a.type === 'create' && a.selfHeal);
    return { type: 'create', cause: vanished ? `${replicas} (removed outside tinyforge)` : replicas };
  }
  const causes = [...manifestChanges(service, wanted, specs), ...driftCauses(service, wanted)];
  return causes.length > 0 ? { type: 'update', cause: causes.join('; ') } : undefined;
}

/** One plan line per service: `~ update service tf-web-image: replicas 5 -> 2 (changed outside tinyforge)`. */
export function describeChange(name: string, change: ServiceChange): string {
  const sign = { create: '+', update: '~', remove: '-' }[change.type];
  return `${sign} ${change.type} service ${name}: ${change.cause}`;
}

/** What the manifest changed since the service was last set: its spec, down to the field, and its replicas. */
function manifestChanges(
  service: ObservedService,
  wanted: readonly DesiredContainer[],
  specs: Lookup<string, ContainerSpec>,
): string[] {
  const causes: string[] = [];
  const first = wanted[0]!;
  const hash = service.labels[Label.specHash];
  if (hash !== first.hash) {
    const before = hash === undefined ? undefined : specs.get(hash);
    const changes = before ? specChanges(before, first.spec) : [];
    if (changes.length > 0) causes.push(changes.join(', '));
    else
      causes.push(
        service.image === first.spec.image ? 'spec changed' : `image ${service.image} -> ${first.spec.image}`,
      );
  }
  if (service.replicas !== wanted.length && !service.drift.includes('replicas'))
    causes.push(`replicas ${service.replicas} -> ${wanted.length}`);
  return causes;
}

/** What was changed outside tinyforge, as the manifest sets it back: values for replicas and image, names otherwise. */
function driftCauses(service: ObservedService, wanted: readonly DesiredContainer[]): string[] {
  if (service.drift.length === 0) return [];
  const fields = service.drift.map((field) => {
    if (field === 'replicas') return `replicas ${service.replicas} -> ${wanted.length}`;
    if (field === 'image') return `image ${service.image} -> ${wanted[0]!.spec.image}`;
    return `${field} changed`;
  });
  return [`${fields.join(', ')} (changed outside tinyforge)`];
}

/** The role an action is for: its desired container's, or the one its row id names. */
function roleOf(action: Exclude<Action, { type: 'route' | 'unroute' }>): string {
  if (action.type === 'create' || action.type === 'recreate') return action.desired.role;
  return action.rowId.slice(action.workloadId.length + 1).split(':')[0]!;
}
