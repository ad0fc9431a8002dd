import type { Workload } from '../api/workload.js';
import type { DirectoryLoad } from './manifest-loader.js';

/**
 * A workload is deleted only once its manifest has been absent in two scans at least
 * `graceMs` apart: an editor's rename-save, a sync tool or a checkout that unlinks a
 * file and writes it again a moment later removes nothing. Until then the workload is
 * carried over from the last view, as it was.
 */
export class DeletionGrace {
  readonly #graceMs: number;
  readonly #vanished = new Map<string, { workload: Workload; since: number }>();

  constructor(graceMs: number) {
    this.#graceMs = graceMs;
  }

  /** Whether a workload is absent and not yet deleted: the next scan may decide it. */
  get pending(): boolean {
    return this.#vanished.size > 0;
  }

  /** `load` with the workloads of `previous` that vanished less than the grace ago carried over. */
  apply(load: DirectoryLoad, previous: DirectoryLoad | undefined, now: number): DirectoryLoad {
    if (load.unreadable) return load; // nothing is concluded from it: no clock starts
    const present = new Set([...load.workloads.map((w) => w.id), ...load.invalidIds]);
    const invalidFiles = new Set(load.invalidFiles);
    for (const id of this.#vanished.keys()) if (present.has(id)) this.#vanished.delete(id);
    const carried: Workload[] = [];
    for (const workload of previous?.workloads ?? []) {
      if (present.has(workload.id) || invalidFiles.has(workload.source.file)) continue;
      const since = this.#vanished.get(workload.id)?.since ?? now;
      if (now - since >= this.#graceMs) this.#vanished.delete(workload.id);
      else {
        this.#vanished.set(workload.id, { workload, since });
        carried.push(workload);
      }
    }
    return carried.length === 0 ? load : { ...load, workloads: [...load.workloads, ...carried] };
  }

  /** How long until the earliest absent workload may be deleted, if one is absent. */
  dueInMs(now: number): number | undefined {
    if (this.#vanished.size === 0) return undefined;
    return Math.max(0, Math.min(...[...this.#vanished.values()].map((v) => v.since + this.#graceMs - now)));
  }
}
