import { namesWorkload } from '../api/kinds.js';
import { shortAge } from '../api/units.js';
import { readyCount } from '../api/readiness.js';
import { CorruptStateError, readState, stateFolderProblem } from '../app-state.js';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ContainerRow, ControllerState, WorkloadStatus } from '../api/state-types.js';
import { UsageError } from './errors.js';
import { choiceFlag, nonEmptyFlag } from './flag-values.js';
import type { Output } from './output.js';
import { helpPointer, parseCommandArgs } from './parse-command-args.js';

export const STATUS_USAGE = `usage: tinyforge status [NAME] [-o table|wide|json|yaml] [--state FILE]

Reads the state file only (works with Docker down). NAME is a workload's name (web)
or id (image/web). READY counts containers running, and healthy where the workload
has a healthcheck. -o wide adds each workload's nodes, slots and host ports; -o json
prints the workloads object, or one workload with NAME; -o yaml the same as YAML.
Exit codes: 0; 1 no such workload, no state file, or one that is not a tinyforge state.`;

/** `tinyforge status`: a kubectl-like table, or JSON, from the state file. */
export async function statusCommand(argv: string[], output: Output, now: Date = new Date()): Promise<number> {
  const options = {
    output: { type: 'string', short: 'o' },
    state: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  const { values, positionals } = parseCommandArgs('status', argv, options, true);
  if (values.help) {
    output.out(STATUS_USAGE);
    return 0;
  }
  const format = choiceFlag(values.output ?? 'table', '-o', ['table', 'wide', 'json', 'yaml'] as const);
  if (positionals.length > 1)
    throw new UsageError(`takes at most one NAME (got ${positionals.length}); ${helpPointer('status')}`, 'status');
  const file = nonEmptyFlag(values.state ?? '.tinyforge/state.json', '--state');
  let state: ControllerState | undefined;
  try {
    state = await readState(file);
  } catch (error) {
    output.err(
      `tinyforge: ${error instanceof CorruptStateError ? error.describeFor(file) : `cannot read ${file}: ${(error as Error).message}`}`,
    );
    return 1;
  }
  if (!state) {
    output.err(`tinyforge: no state file at ${file} (has 'tinyforge run' run here?)`);
    return 1;
  }
  for (const stale of [staleness(state, now), await unwritable(file, state)])
    if (stale) output.err(`tinyforge: warning: ${stale}`);
  const name = positionals[0];
  let entries = Object.entries(state.workloads);
  if (name !== undefined) {
    entries = entries.filter(([id]) => namesWorkload(name, id));
    if (entries.length === 0) {
      output.err(`tinyforge: no workload ${JSON.stringify(name)} in ${file}`);
      return 1;
    }
  }
  if (format === 'json' || format === 'yaml') {
    const shown = name !== undefined && entries.length === 1 ? entries[0]![1] : Object.fromEntries(entries);
    output.out(format === 'json' ? JSON.stringify(shown, null, 2) : stringify(shown));
    return 0;
  }
  output.out(workloadTable(entries, now, format === 'wide'));
  if (state.invalid.length > 0)
    output.out(
      `\n${state.invalid.length} manifest problem${state.invalid.length === 1 ? '' : 's'}: run 'tinyforge validate'`,
    );
  const { docker } = state.controller;
  if (!docker.reachable) output.out(`\nDocker unreachable: ${docker.lastError}`);
  // Docker answered, but the last pass acted on nothing (another engine): why.
  else if (docker.lastError !== null) output.out(`\n${docker.lastError}`);
  return 0;
}

/** A long-running controller refreshes its heartbeat every resync: an old one means it is gone. */
export function staleness(state: ControllerState, now: Date): string | undefined {
  const resync = state.controller.resyncSeconds;
  if (resync === undefined) return undefined;
  const age = now.getTime() - Date.parse(state.controller.heartbeatAt);
  if (age <= (2 * resync + 30) * 1000) return undefined;
  return `controller not running since ${state.controller.heartbeatAt} (pid ${state.controller.pid}; heartbeat every ${resync}s): this status may be out of date`;
}

/** A state folder the controller cannot write to (full, read-only): the file it holds stops changing. */
async function unwritable(file: string, state: ControllerState): Promise<string | undefined> {
  const problem = await stateFolderProblem(file);
  if (problem === undefined) return undefined;
  return `the state folder ${path.dirname(file)} ${problem}: the controller cannot update ${file}, so it is stale (last written at ${state.controller.heartbeatAt})`;
}

/**
 * The `status` table: NAME KIND PHASE READY AGE MESSAGE, one workload a row, by id;
 * `wide` adds NODE, SLOT and PORTS before MESSAGE.
 */
export function workloadTable(entries: [string, WorkloadStatus][], now: Date, wide = false): string {
  const extra = wide ? ['NODE', 'SLOT', 'PORTS'] : [];
  const rows = [['NAME', 'KIND', 'PHASE', 'READY', 'AGE', ...extra, 'MESSAGE']];
  for (const [, w] of entries.sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ready = w.conditions.find((c) => c.type === 'Ready');
    rows.push([
      w.name,
      w.kind,
      w.phase,
      `${readyCount(w.containers)}/${w.replicas.desired}`,
      age(w.createdAt, now),
      ...(wide ? wideColumns(w.containers) : []),
      ready?.message ?? '',
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 2)))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

/** The nodes, slots and host ports of a workload's containers, each distinct and sorted; `-` for none. */
function wideColumns(rows: readonly ContainerRow[]): string[] {
  const list = (values: (string | number | null | undefined)[]) => {
    const distinct = [...new Set(values.filter((v) => v !== null && v !== undefined))];
    return distinct.length === 0 ? '-' : distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(',');
  };
  return [list(rows.map((r) => r.node)), list(rows.map((r) => r.slot)), list(rows.flatMap((r) => r.ports))];
}

/** kubectl's AGE since `since` (none: 0s): 45s, 12m, 3h, 5d. */
export function age(since: string | undefined, now: Date): string {
  return shortAge(since === undefined ? 0 : now.getTime() - Date.parse(since));
}
