import type { PlanEntry } from '../reconcile/plan-entry.js';
import { SECRET, SECRET_CHANGED } from '../reconcile/spec-changes.js';
import type { SpecChange } from '../reconcile/spec-changes.js';
import { paint } from './colour.js';
import type { Colour } from './colour.js';

const SIGN_COLOURS: Record<string, Colour> = { '+': 'green', '~': 'yellow', '-': 'red' };

/**
 * The plan as a person reads it: each entry's line (`+ create`, `~ recreate`, `- remove`
 * first, coloured when `colour`), then one indented line per changed field,
 * `env.GREETING: "hi" -> "hello"`. `run` prints the same.
 */
export function planText(entries: readonly PlanEntry[], colour: boolean): string[] {
  return entries.flatMap((entry) => [signed(entry.line, colour), ...entry.changes.map((c) => `    ${changeText(c)}`)]);
}

/** `image: a:1 -> a:2`, `env.GREETING: "hi" -> "hello"`, `replicas: 2 -> 3`, `envFiles/web.env: (secret changed)`. */
export function changeText(change: SpecChange): string {
  if (change.new === SECRET_CHANGED) return `${change.path}: ${SECRET_CHANGED}`;
  return `${change.path}: ${valueText(change.path, change.old)} -> ${valueText(change.path, change.new)}`;
}

function valueText(path: string, value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  // An image reads best as written; a masked secret is a marker, not a value.
  if (typeof value === 'string' && (path === 'image' || value === SECRET)) return value;
  return JSON.stringify(value);
}

function signed(line: string, colour: boolean): string {
  const sign = line[0] ?? '';
  const tint = SIGN_COLOURS[sign];
  if (!tint || !colour) return line;
  const verbEnd = line.indexOf(' ', 2);
  const head = verbEnd < 0 ? line : line.slice(0, verbEnd);
  return `${paint(head, tint, true)}${line.slice(head.length)}`;
}

/** How many changes of each kind: create, recreate and remove always, others (start, route, a Swarm update) when there are. */
export function planCounts(entries: readonly PlanEntry[]): Record<string, number> {
  const counts: Record<string, number> = { create: 0, recreate: 0, remove: 0 };
  for (const { kind } of entries) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** terraform's summary: `2 to create, 1 to recreate, 0 to remove` (then `, 1 to start` and the like when there are). */
export function planSummary(entries: readonly PlanEntry[]): string {
  return Object.entries(planCounts(entries))
    .map(([kind, n]) => `${n} to ${kind}`)
    .join(', ');
}

/** `plan -o json`: the entries (less their line) and the counts. */
export function planJson(entries: readonly PlanEntry[]): string {
  const actions = entries.map(({ kind, workload, container, reason, changes }) => ({
    kind,
    workload,
    container,
    reason,
    changes,
  }));
  return JSON.stringify({ actions, summary: planCounts(entries) }, null, 2);
}
