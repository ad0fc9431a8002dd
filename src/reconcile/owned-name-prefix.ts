import { DEFAULT_CONTROLLER_NAME, NAME_PREFIX } from '../api/defaults.js';

/** `tf`, or `tf-staging` for the controller named `staging`: another controller's names never collide with ours. */
export function ownedNamePrefix(controller: string): string {
  return controller === DEFAULT_CONTROLLER_NAME ? NAME_PREFIX : `${NAME_PREFIX}-${controller}`;
}

/**
 * `tf-web-image`, `tf-staging-shop-production`: the name of one role of a workload. A
 * Swarm service and a route are each one per role, so both are named by it.
 */
export function roleName(controller: string, workloadName: string, role: string): string {
  return `${ownedNamePrefix(controller)}-${workloadName}-${role}`;
}
