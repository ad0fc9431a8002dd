import path from 'node:path';
import { currentRevision } from '../app.js';
import { CorruptStateError, readState } from '../app-state.js';
import type { ControllerState, WorkloadStatus } from '../api/state-types.js';
import { UsageError } from './errors.js';
import { choiceFlag, durationFlag, nonEmptyFlag } from './flag-values.js';
import type { Output } from './output.js';
import { helpPointer, parseCommandArgs } from './parse-command-args.js';

export const WAIT_USAGE = `usage: tinyforge wait NAME... [--for ready] [--timeout DUR] [--state FILE] [--manifests DIR]

Waits on the state file until the workloads are Ready at their current generation, like
'kubectl wait', for a CI job after 'git push'. When the manifest directory is a git
work tree, "current" means applied from the commit checked out there now; otherwise,
reconciled after the wait began.
Exit codes: 0 ready; 1 failed, timed out, or the state file is not a tinyforge state; 2 usage.`;

/** `tinyforge wait`: poll the state file (never Docker) until ready, failed or out of time. */
export async function waitCommand(argv: string[], output: Output): Promise<number> {
  const options = {
    for: { type: 'string' },
    timeout: { type: 'string' },
    state: { type: 'string' },
    manifests: { type: 'string' },
    interval: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  const { values, positionals } = parseCommandArgs('wait', argv, options, true);
  if (values.help) {
    output.out(WAIT_USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`name at least one workload; ${helpPointer('wait')}`, 'wait');
  choiceFlag(values.for ?? 'ready', '--for', ['ready'] as const);
  const timeoutMs = durationFlag(values.timeout ?? '2m', '--timeout', { zero: true });
  const intervalMs = durationFlag(values.interval ?? '250ms', '--interval');
  const file = nonEmptyFlag(values.state ?? '.tinyforge/state.json', '--state');
  const revision = currentRevision(path.resolve(nonEmptyFlag(values.manifests ?? 'manifests', '--manifests')));
  const started = Date.now();

  let verdicts: Verdict[] = [];
  for (;;) {
    const read = await readWaitedState(file);
    if ('unusable' in read) {
      output.err(`tinyforge: ${read.unusable}`);
      return 1;
    }
    verdicts = positionals.map((name) => judge(name, read.state, revision, started));
    if (verdicts.every((v) => v.kind === 'ready')) {
      for (const v of verdicts) output.out(`${v.id}: ${v.message}`);
      return 0;
    }
    const failed = verdicts.filter((v) => v.kind === 'failed');
    if (failed.length > 0) {
      for (const v of failed) output.err(`tinyforge: ${v.id}: ${v.message}`);
      return 1;
    }
    if (Date.now() - started >= timeoutMs) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  for (const v of verdicts.filter((v) => v.kind !== 'ready')) output.err(`tinyforge: timed out after ${values.timeout ?? '2m'}: ${v.id}: ${v.message}`);
  return 1;
}

/**
 * The state file as the wait sees it. One that is not valid JSON or not a state ends the
 * wait: writes are atomic, so it is no write half-seen but a problem for a person to look
 * at, not one to wait out. One that cannot be read yet (missing, a permission) is waited for.
 */
async function readWaitedState(file: string): Promise<{ state: ControllerState | undefined } | { unusable: string }> {
  try {
    return { state: await readState(file) };
  } catch (error) {
    return error instanceof CorruptStateError ? { unusable: error.describeFor(file) } : { state: undefined };
  }
}

interface Verdict {
  id: string;
  kind: 'ready' | 'waiting' | 'failed';
  message: string;
}

function judge(name: string, state: ControllerState | undefined, revision: string | null, started: number): Verdict {
  if (!state) return { id: name, kind: 'waiting', message: 'no state file yet' };
  const entry = Object.entries(state.workloads).find(([id, w]) => id === name || w.name === name);
  if (!entry) return { id: name, kind: 'waiting', message: 'not in the state file (yet)' };
  const [id, w] = entry;
  const current = isCurrent(w, state, revision, started);
  if (!current.ok) return { id, kind: 'waiting', message: current.why };
  if (w.phase === 'Ready' && w.observedGeneration === w.generation) return { id, kind: 'ready', message: `Ready at generation ${w.generation}${revision ? ` (revision ${revision.slice(0, 12)})` : ''}` };
  const ready = w.conditions.find((c) => c.type === 'Ready');
  const message = `${w.phase}: ${ready?.message ?? ''}`;
  return { id, kind: w.phase === 'Failed' || w.phase === 'Invalid' ? 'failed' : 'waiting', message };
}

function isCurrent(w: WorkloadStatus, state: ControllerState, revision: string | null, started: number): { ok: boolean; why: string } {
  if (revision) {
    if (state.controller.revision !== revision) return { ok: false, why: `controller has not seen revision ${revision.slice(0, 12)} yet` };
    if (w.phase === 'Ready' && w.lastAppliedRevision !== revision) return { ok: false, why: `applied from ${w.lastAppliedRevision?.slice(0, 12) ?? 'nothing'}, not ${revision.slice(0, 12)}` };
    return { ok: true, why: '' };
  }
  const tick = Date.parse(state.controller.lastTick?.at ?? '');
  return Number.isFinite(tick) && tick >= started - 1000 ? { ok: true, why: '' } : { ok: false, why: 'no reconcile since the wait began' };
}
