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

/** What an env file's values read as in a change: never the values (DESIGN.md guarantee 7). */
export const SECRET = '(secret)';
export const SECRET_CHANGED = '(secret changed)';

/**
 * One field that differs, with its old and new value (null: absent on that side), by the
 * name the manifest gives it: `env.GREETING`, `image`, `replicas`. An env file's values
 * never appear: its change reads `(secret)` -> `(secret changed)`.
 */
export interface SpecChange {
  path: string;
  old: unknown;
  new: unknown;
}

/**
 * What differs between two specs, down to the field, in words a person reads in a plan:
 * `image nginx:1.26 -> nginx:1.27`, `env.FOO changed`, `envFiles/web.env content changed`.
 * Values of env files never appear; inline env values neither (only their names): the
 * values are in `specFieldChanges`, for the plan's detail lines.
 */
export function specChanges(before: ContainerSpec, after: ContainerSpec): string[] {
  return causesOf(specFieldChanges(before, after));
}

/** The cause's words for changes already listed (`specFieldChanges`). */
export function causesOf(changes: readonly SpecChange[]): string[] {
  return changes.map(summary);
}

/** The fields that differ between two specs, each with its old and new value (env files masked). */
export function specFieldChanges(before: ContainerSpec, after: ContainerSpec): SpecChange[] {
  const changes: SpecChange[] = [];
  // Both sides' keys: a field present on one side only (`placement`) is a change too.
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof ContainerSpec>) {
    const a = before[field];
    const b = after[field];
    if (canonicalJson(a) === canonicalJson(b)) continue;
    if (field === 'env' || field === 'labels')
      changes.push(...mapChanges(field, (a ?? {}) as Record<string, string>, (b ?? {}) as Record<string, string>));
    else if (field === 'envFiles') changes.push(...envFileChanges(before.envFiles ?? [], after.envFiles ?? []));
    else changes.push({ path: FIELD_NAMES[field] ?? field, old: a ?? null, new: b ?? null });
  }
  return changes;
}

/** A change in the cause's words: `image a -> b`, `env.FOO added`, `envFiles/x content changed`, `ports changed`. */
function summary(change: SpecChange): string {
  const { path } = change;
  if (path === 'image') return `image ${String(change.old)} -> ${String(change.new)}`;
  if (path === 'envFiles') return 'envFiles order changed';
  if (!/^(env\.|labels\.|envFiles\/)/.test(path)) return `${path} changed`;
  if (change.old === null) return `${path} added`;
  if (change.new === null) return `${path} removed`;
  return path.startsWith('envFiles/') ? `${path} content changed` : `${path} changed`;
}

function mapChanges(field: string, a: Record<string, string>, b: Record<string, string>): SpecChange[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => (a[k] === b[k] ? [] : [{ path: `${field}.${k}`, old: a[k] ?? null, new: b[k] ?? null }]));
}

function envFileChanges(a: ContainerSpec['envFiles'], b: ContainerSpec['envFiles']): SpecChange[] {
  const before = new Map(a.map((f) => [f.file, f.digest]));
  const after = new Map(b.map((f) => [f.file, f.digest]));
  const out: SpecChange[] = [];
  for (const [file, digest] of after) {
    if (!before.has(file)) out.push({ path: `envFiles/${file}`, old: null, new: SECRET });
    else if (before.get(file) !== digest) out.push({ path: `envFiles/${file}`, old: SECRET, new: SECRET_CHANGED });
  }
  for (const file of before.keys())
    if (!after.has(file)) out.push({ path: `envFiles/${file}`, old: SECRET, new: null });
  if (out.length === 0) out.push({ path: 'envFiles', old: [...before.keys()], new: [...after.keys()] });
  return out;
}
