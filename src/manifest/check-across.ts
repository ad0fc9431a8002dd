import type { Problem } from '../api/problem.js';
import type { Claim } from './claim.js';
import type { NamedDocument } from './load-manifests.js';

export interface AcrossResult {
  problems: Problem[];
  /** Workloads that lose a conflict over a port or domain (all parties lose). */
  rejectedIds: string[];
  /** Names used by more than one document (no document with that name is applied). */
  rejectedNames: string[];
}

/**
 * Checks across all documents: names unique across kinds, and no two workloads claiming
 * the same host port (a 0.0.0.0 binding conflicts with every address), route domain or
 * role name (`app` with service `b-c` and `app-b` with service `c` would share names).
 * Every party to a conflict gets the problem, pointing at the others.
 */
export function checkAcross(
  named: readonly NamedDocument[],
  claimants: readonly { id: string; claims: readonly Claim[] }[],
): AcrossResult {
  const problems: Problem[] = [];
  const rejectedIds = new Set<string>();
  const rejectedNames = new Set<string>();

  const byName = groupBy(named, (d) => d.name);
  for (const [name, docs] of byName) {
    if (docs.length < 2) continue;
    rejectedNames.add(name);
    for (const doc of docs) {
      const others = docs.filter((d) => d !== doc).map((d) => `${d.at.file}:${d.at.line}:${d.at.column} (${d.id})`);
      problems.push({
        ...doc.at,
        message: `metadata.name "${name}" is also used by ${others.join(', ')}; names must be unique across kinds`,
      });
    }
  }

  const owned = claimants.flatMap((c) => c.claims.map((claim) => ({ id: c.id, claim })));
  // Only claims in one bucket can conflict: compared within buckets, not all against all.
  const buckets = groupBy(owned, (o) => bucketOf(o.claim));
  for (const mine of owned) {
    const rivals = buckets
      .get(bucketOf(mine.claim))!
      .filter((other) => other !== mine && conflicts(mine.claim, other.claim) && !sameName(mine, other));
    if (rivals.length === 0) continue;
    rejectedIds.add(mine.id);
    const where = rivals.map((r) => `${r.id} (${r.claim.at.file}:${r.claim.at.line}:${r.claim.at.column})`).join(', ');
    problems.push({ ...mine.claim.at, message: `${mine.claim.label} is also claimed by ${where}` });
  }
  return { problems, rejectedIds: [...rejectedIds], rejectedNames: [...rejectedNames] };
}

/** Two documents of one name share their role names too: that is said once, as a name used twice. */
function sameName(a: { id: string; claim: Claim }, b: { id: string; claim: Claim }): boolean {
  return a.claim.type === 'name' && a.id.split('/')[1] === b.id.split('/')[1];
}

function conflicts(a: Claim, b: Claim): boolean {
  if (a.type !== b.type) return false;
  if (a.key === b.key) return true;
  if (a.type !== 'port' || !(a.wildcard || b.wildcard)) return false;
  return portOf(a.key) === portOf(b.key);
}

/** A port claim's protocol and port, whatever the address (`tcp/0.0.0.0:80` -> `tcp/80`). */
function portOf(key: string): string {
  return `${key.split('/')[0]}/${key.slice(key.lastIndexOf(':') + 1)}`;
}

/** Claims that may conflict share a bucket: the same key, or for ports the same protocol and port. */
function bucketOf(claim: Claim): string {
  return `${claim.type}\0${claim.type === 'port' ? portOf(claim.key) : claim.key}`;
}

/** Items grouped by key, each group in the items' order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
