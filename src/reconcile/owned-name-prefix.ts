import { DEFAULT_CONTROLLER_NAME, NAME_PREFIX } from '../api/defaults.js';

/** `tf`, or `tf-staging` for the controller named `staging`: another controller's names never collide with ours. */
export function ownedNamePrefix(controller: string): string {
  return controller === DEFAULT_CONTROLLER_NAME ? NAME_PREFIX : `${NAME_PREFIX}-${controller}`;
}
