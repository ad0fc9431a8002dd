import { Label } from '../api/labels.js';
import type { ObservedContainer } from '../api/observed-container.js';
import type { ForeignEntry } from '../api/state-types.js';
import { readIdentity, verifySignature } from './ownership.js';
import type { ContainerIdentity } from './ownership.js';

export interface OwnedContainer {
  container: ObservedContainer;
  identity: ContainerIdentity;
}

export interface Classified {
  /** Containers whose signature verifies, by the workload they belong to. */
  owned: Map<string, OwnedContainer[]>;
  foreign: ForeignEntry[];
}

/**
 * Splits a snapshot into owned and foreign containers. Owned means: this controller's
 * name, complete labels, and a signature that verifies with this controller's key.
 * Everything else is foreign and is never adopted, changed, counted or removed.
 * `knownWorkloads` only words the reason: a bad signature on an unknown workload id is
 * a forged label.
 */
export function classify(
  snapshot: readonly ObservedContainer[],
  controller: string,
  key: Buffer | undefined,
  knownWorkloads: ReadonlySet<string>,
): Classified {
  const verified = verifiedFor(key);
  const owned = new Map<string, OwnedContainer[]>();
  const foreign: ForeignEntry[] = [];
  for (const container of snapshot) {
    const claimed = container.labels[Label.workloadId] ?? null;
    const identity = readIdentity(container.labels);
    const reason = foreignReason(container, identity, controller, key, claimed, knownWorkloads, verified);
    if (reason !== undefined || !identity) {
      foreign.push({
        containerId: container.id,
        name: container.name,
        workloadId: claimed,
        reason: reason ?? 'incomplete labels',
      });
      continue;
    }
    const list = owned.get(identity.workloadId) ?? [];
    list.push({ container, identity });
    owned.set(identity.workloadId, list);
  }
  foreign.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { owned, foreign };
}

function foreignReason(
  container: ObservedContainer,
  identity: ContainerIdentity | undefined,
  controller: string,
  key: Buffer | undefined,
  claimed: string | null,
  known: ReadonlySet<string>,
  verified: Map<string, boolean>,
): string | undefined {
  const theirs = container.labels[Label.controller];
  if (theirs !== undefined && theirs !== controller) return `another controller (${theirs})`;
  if (claimed === null) return 'no workload label';
  if (!identity) return 'incomplete labels';
  if (key === undefined) return 'no controller key to verify with';
  // A container's labels never change: its verdict is computed once per container and signature.
  const cacheKey = `${container.id}:${container.name}:${container.labels[Label.signature] ?? ''}`;
  let ok = verified.get(cacheKey);
  if (ok === undefined) {
    ok = verifySignature(container, key);
    verified.set(cacheKey, ok);
  }
  if (ok) return undefined;
  if (!known.has(claimed)) return 'unknown workload';
  return container.labels[Label.signature] === undefined ? 'missing signature' : 'bad signature';
}

/**
 * Signature verdicts by controller key. Each verdict is keyed explicitly (container id, name
 * and signature label: Docker never changes a container's labels). Only the outer level is
 * by object: it separates controller keys, which are secrets and so are not turned into
 * printable map keys, and goes with the controller that holds the key. Capped at 100,000
 * verdicts per key (then started afresh), so containers long gone do not pile up.
 */
const verdicts = new WeakMap<Buffer, Map<string, boolean>>();
function verifiedFor(key: Buffer | undefined): Map<string, boolean> {
  if (!key) return new Map();
  let map = verdicts.get(key);
  if (!map || map.size > 100_000) {
    map = new Map();
    verdicts.set(key, map);
  }
  return map;
}
