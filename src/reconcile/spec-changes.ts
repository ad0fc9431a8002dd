import { canonicalJson } from './canonical-json.js';
import type { ContainerSpec } from './container-spec.js';

/** How the spec's fields are called in a manifest, for messages. */
const FIELD_NAMES: Partial<Record<keyof ContainerSpec, string>> = {
  entrypoint: 'command',
  cmd: 'args',
  mounts: 'volumes',
  memoryBytes: 'resources.memory',
  cpus: 'resources.cpus',
  stopTimeoutSeconds: 'stopTimeout',
};

/**
 * What differs between two specs, down to the field, in words a person reads in a plan:
 * `image nginx:1.26 -> nginx:1.27`, `env.FOO changed`, `envFiles/web.env content changed`.
 * Values of env files never appear; inline env values neither (only their names).
 */
export function specChanges(before: ContainerSpec, after: ContainerSpec): string[] {
  const changes: string[] = [];
  // Both sides' keys: a field present on one side only (`placement`) is a change too.
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof ContainerSpec>) {
    const a = before[field];
    const b = after[field];
    if (canonicalJson(a) === canonicalJson(b)) continue;
    if (field === 'image') changes.push(`image ${String(a)} -> ${String(b)}`);
    else if (field === 'env' || field === 'labels')
      changes.push(...mapChanges(field, (a ?? {}) as Record<string, string>, b as Record<string, string>));
    else if (field === 'envFiles') changes.push(...envFileChanges(before.envFiles ?? [], after.envFiles));
    else changes.push(`${FIELD_NAMES[field] ?? field} changed`);
  }
  return changes;
}

function mapChanges(field: string, a: Record<string, string>, b: Record<string, string>): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => {
    if (!(k in a)) return [`${field}.${k} added`];
    if (!(k in b)) return [`${field}.${k} removed`];
    return a[k] === b[k] ? [] : [`${field}.${k} changed`];
  });
}

function envFileChanges(a: ContainerSpec['envFiles'], b: ContainerSpec['envFiles']): string[] {
  const before = new Map(a.map((f) => [f.file, f.digest]));
  const after = new Map(b.map((f) => [f.file, f.digest]));
  const out: string[] = [];
  for (const [file, digest] of after) {
    if (!before.has(file)) out.push(`envFiles/${file} added`);
    else if (before.get(file) !== digest) out.push(`envFiles/${file} content changed`);
  }
  for (const file of before.keys()) if (!after.has(file)) out.push(`envFiles/${file} removed`);
  if (out.length === 0) out.push('envFiles order changed');
  return out;
}
