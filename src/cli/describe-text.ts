import type { ControllerState, StateEvent, WorkloadStatus } from '../api/state-types.js';
import { targetLabel } from './log-lines.js';
import { age } from './status-command.js';
import { textTable } from './text-table.js';

/** How many of the workload's events `describe` shows, newest last. */
export const DESCRIBE_EVENTS = 10;

/** What `describe` knows of the spec on disk: its lines, or why there are none. */
export type SpecSummary = { lines: string[]; from: string } | { missing: string };

/**
 * `tinyforge describe`: a workload as kubectl describes a resource, from the state file
 * (and the spec on disk): header fields, spec, conditions, containers, rollouts, the last
 * plan lines, last error, recent events. Times are the state file's, with their age.
 */
export function describeText(
  id: string,
  w: WorkloadStatus,
  state: ControllerState,
  spec: SpecSummary,
  now: Date,
): string {
  const when = (at: string | null | undefined) => (at ? `${at} (${age(at, now)} ago)` : '<never>');
  const sections = [
    field('Name', w.name),
    field('Kind', w.kind),
    field('Id', id),
    field('Source', `${w.source.file} (document ${w.source.document})`),
    field('First seen', when(w.createdAt)),
    field('Generation', `${w.generation} (observed ${w.observedGeneration})`),
    field('Phase', w.phase),
    field('Replicas', `${w.replicas.desired} desired, ${w.replicas.running} running, ${w.replicas.updated} updated`),
    field('Revision', w.lastAppliedRevision ?? '<none>'),
    field('Reconciled', when(w.lastReconciledAt)),
    ...specSection(spec),
    ...conditionsSection(w),
    ...containersSection(w, now),
    ...rolloutsSection(w),
    ...lastPlanSection(w, when),
    field('Last error', w.lastError ?? '<none>'),
    ...eventsSection(workloadEvents(state.events, id), now),
  ];
  return sections.join('\n');
}

function field(label: string, value: string): string {
  return `${`${label}:`.padEnd(14)}${value}`;
}

function specSection(spec: SpecSummary): string[] {
  if ('missing' in spec) return [field('Spec', `<not loaded: ${spec.missing}>`)];
  return [field('Spec', `(from ${spec.from})`), ...spec.lines.map((line) => `  ${line}`)];
}

function conditionsSection(w: WorkloadStatus): string[] {
  if (w.conditions.length === 0) return ['Conditions:    <none>'];
  const rows = w.conditions.map((c) => [c.type, c.status, c.reason, c.lastTransitionTime, c.message]);
  return ['Conditions:', ...textTable([['TYPE', 'STATUS', 'REASON', 'LAST TRANSITION', 'MESSAGE'], ...rows], '  ')];
}

function containersSection(w: WorkloadStatus, now: Date): string[] {
  if (w.containers.length === 0) return ['Containers:    <none>'];
  const rows = w.containers.map((c) => [
    targetLabel(c),
    c.name,
    c.state + (c.reason ? ` (${c.reason})` : ''),
    c.health ?? '-',
    c.ports.join(',') || '-',
    c.node ?? '-',
    c.slot ?? '-',
    c.startedAt ? `${age(c.startedAt, now)} ago` : '-',
    String(c.restarts),
  ]);
  const header = ['CONTAINER', 'NAME', 'STATE', 'HEALTH', 'PORTS', 'NODE', 'SLOT', 'STARTED', 'RESTARTS'];
  return ['Containers:', ...textTable([header, ...rows], '  ')];
}

function rolloutsSection(w: WorkloadStatus): string[] {
  const rollouts = Object.entries(w.rollouts ?? {});
  if (rollouts.length === 0) return [];
  const rows = rollouts.map(([stage, r]) => [stage, r.phase, r.serving ?? '-', r.next ?? '-', r.message]);
  return ['Rollouts:', ...textTable([['STAGE', 'PHASE', 'SERVING', 'NEXT', 'MESSAGE'], ...rows], '  ')];
}

/** What the controller last applied for it, as `plan` words it. */
function lastPlanSection(w: WorkloadStatus, when: (at: string) => string): string[] {
  if (!w.lastPlan) return [field('Last plan', '<none>')];
  return [field('Last plan', when(w.lastPlan.at)), ...w.lastPlan.lines.map((line) => `  ${line}`)];
}

function eventsSection(events: readonly StateEvent[], now: Date): string[] {
  if (events.length === 0) return ['Events:        <none>'];
  const rows = events.map((e) => [`${age(e.at, now)} ago`, e.type, e.reason, e.message]);
  return ['Events:', ...textTable([['AGE', 'TYPE', 'REASON', 'MESSAGE'], ...rows], '  ')];
}

/** The workload's last events, newest last. */
function workloadEvents(events: readonly StateEvent[], id: string): StateEvent[] {
  return events.filter((e) => e.workload === id).slice(-DESCRIBE_EVENTS);
}
