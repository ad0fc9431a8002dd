import type { Reference, Workload } from '../api/workload.js';
import { specHash } from './canonical-json.js';
import { desiredContainers } from './desired.js';
import type { DesiredContainer } from './desired.js';

interface CacheDeps {
  controller: string;
  digest: (reference: Reference) => string;
}

interface Entry {
  /** What computed it: the keyed digest depends on the controller key, which the workload key does not hold. */
  digest: CacheDeps['digest'];
  desired: DesiredContainer[];
  hash: string;
}

/**
 * Desired containers and the workload hash, computed once per workload key: the daemon
 * reconciles the same loaded manifests many times. Keyed by controller name, then by
 * Workload.key (what the workload is made of, files included), so a reload of unchanged
 * manifests hits and any change misses. Bounded: after a pass that computed something
 * new, entries of workloads no longer loaded are swept (`sweepDesired`), so a long-running
 * daemon whose manifests keep changing keeps one entry per loaded workload. A file that
 * changes between a load and its pass is seen by the next rescan: a new key, a new entry.
 */
export class DesiredCache {
  private readonly byController = new Map<string, Map<string, Entry>>();
  /** Controllers that gained an entry since their last sweep. */
  private readonly grown = new Set<string>();

  entry(workload: Workload, deps: CacheDeps): Entry {
    let entries = this.byController.get(deps.controller);
    const hit = entries?.get(workload.key);
    if (hit && hit.digest === deps.digest) return hit;
    const desired = desiredContainers(workload, { controller: deps.controller, digest: deps.digest });
    const entry = { digest: deps.digest, desired, hash: workloadHash(workload, desired) };
    if (!entries) {
      entries = new Map();
      this.byController.set(deps.controller, entries);
    }
    entries.set(workload.key, entry);
    this.grown.add(deps.controller);
    return entry;
  }

  /**
   * Drops the controller's entries for workloads not in `loaded`. Free when nothing was
   * added since the last sweep and no more entries are held than workloads loaded (a quiet
   * pass): then the entries never outnumber the workloads.
   */
  sweep(controller: string, loaded: readonly Workload[]): void {
    const grown = this.grown.delete(controller);
    const entries = this.byController.get(controller);
    if (!entries || (!grown && entries.size <= loaded.length)) return;
    const live = new Set(loaded.map((w) => w.key));
    for (const key of entries.keys()) if (!live.has(key)) entries.delete(key);
  }

  /** How many entries the controller holds (for tests). */
  size(controller: string): number {
    return this.byController.get(controller)?.size ?? 0;
  }
}

/** The process's cache: every pass of every controller in this process shares it. */
export const desiredCache = new DesiredCache();

export function cachedDesired(workload: Workload, deps: CacheDeps): DesiredContainer[] {
  return desiredCache.entry(workload, deps).desired;
}

export function cachedEntry(workload: Workload, deps: CacheDeps): Entry {
  return desiredCache.entry(workload, deps);
}

/** Once per pass, with every workload of the pass's load (not only those in scope). */
export function sweepDesired(controller: string, loaded: readonly Workload[]): void {
  desiredCache.sweep(controller, loaded);
}

/** The hash of a workload's whole desired spec (of its manifest, for kinds without containers). */
export function workloadHash(workload: Workload, desired: readonly DesiredContainer[]): string {
  return desired.length > 0 ? specHash(desired.map((d) => d.hash)) : specHash(workload.manifest);
}
