import type { Reference, Workload } from '../api/workload.js';
import { specHash } from './canonical-json.js';
import { desiredContainers } from './desired.js';
import type { DesiredContainer } from './desired.js';

interface CacheDeps {
  controller: string;
  digest: (reference: Reference) => string;
}

/**
 * Desired containers, computed once per loaded workload: the daemon reconciles the same
 * loaded manifests many times, and a rescan brings new workload objects when anything
 * (a manifest or a file it refers to) changed.
 */
const desiredCache = new WeakMap<
  Workload,
  { controller: string; digest: CacheDeps['digest']; desired: DesiredContainer[]; hash: string }
>();
export function cachedDesired(workload: Workload, deps: CacheDeps): DesiredContainer[] {
  return cachedEntry(workload, deps).desired;
}

export function cachedEntry(workload: Workload, deps: CacheDeps) {
  const hit = desiredCache.get(workload);
  if (hit && hit.controller === deps.controller && hit.digest === deps.digest) return hit;
  const desired = desiredContainers(workload, { controller: deps.controller, digest: deps.digest });
  const entry = { controller: deps.controller, digest: deps.digest, desired, hash: workloadHash(workload, desired) };
  desiredCache.set(workload, entry);
  return entry;
}

/** The hash of a workload's whole desired spec (of its manifest, for kinds without containers). */
export function workloadHash(workload: Workload, desired: readonly DesiredContainer[]): string {
  return desired.length > 0 ? specHash(desired.map((d) => d.hash)) : specHash(workload.manifest);
}
