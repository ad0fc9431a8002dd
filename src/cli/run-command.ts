import { openController } from '../app.js';
import { formatProblem } from '../api/problem.js';
import type { TickResult } from '../reconcile/reconcile-tick.js';
import { CONTROLLER_FLAGS_HELP, parseControllerFlags } from './controller-flags.js';
import { UsageError } from './errors.js';
import type { Output } from './output.js';

export const RUN_USAGE = `usage: tinyforge run [options] [--once]

Runs the controller on the manifest directory. --once: one full reconcile (waiting for
started containers to settle), write the state file, exit.
Exit codes: 0 converged; 1 a workload failed, a manifest is invalid, or a prune was
refused; 2 usage or configuration error; 3 Docker unreachable.

${CONTROLLER_FLAGS_HELP}`;

/** `tinyforge run`: the controller, once or until SIGTERM/SIGINT. */
export async function runCommand(argv: string[], output: Output): Promise<number> {
  const flags = parseControllerFlags(argv, RUN_USAGE);
  if (flags.help) {
    output.out(RUN_USAGE);
    return 0;
  }
  const controller = await openController(flags.config, 'run').catch((error: unknown) => {
    if ((error as { code?: string }).code === 'STATE_LOCKED') throw new UsageError((error as Error).message);
    throw error;
  });
  for (const notice of controller.notices) output.err(`tinyforge: ${notice}`);
  try {
    if (flags.once) return report(await controller.tick(), output);
    return await loop(() => controller.tick({ heartbeatEveryMs: flags.resyncMs }), flags.resyncMs, output);
  } finally {
    controller.close();
  }
}

/** Until a signal: tick, then wait for the resync interval (the daemon's safety net). */
async function loop(tick: () => Promise<TickResult>, resyncMs: number, output: Output): Promise<number> {
  let stopping = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    stopping = true;
    clearTimeout(timer);
    wake?.();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    while (!stopping) {
      const result = await tick();
      // A quiet tick is not news: print only what changed something or went wrong.
      if (result.planLines.length > 0 || result.outcome.failed.length > 0 || !result.outcome.dockerReachable) report(result, output);
      if (stopping) break;
      // A referenced timer: it is what keeps the process alive between ticks.
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, resyncMs);
      });
    }
    return 0;
  } finally {
    process.removeListener('SIGTERM', stop);
    process.removeListener('SIGINT', stop);
  }
}

/** Prints what a tick did and decides `run --once`'s exit code. */
function report(result: TickResult, output: Output): number {
  const { state, planLines, outcome } = result;
  for (const line of planLines) output.out(line);
  for (const problem of state.invalid) output.err(formatProblem(problem));
  if (!outcome.dockerReachable) {
    output.err(`tinyforge: Docker is unreachable: ${state.controller.docker.lastError}`);
    return 3;
  }
  for (const id of outcome.failed) {
    const w = state.workloads[id];
    output.err(`tinyforge: ${id} ${w?.phase}: ${w?.conditions.find((c) => c.type === 'Ready')?.message ?? ''}`);
  }
  if (outcome.pruneRefused.length > 0) output.err(`tinyforge: prune refused for ${outcome.pruneRefused.join(', ')}`);
  const workloads = Object.keys(state.workloads).length;
  const ready = Object.values(state.workloads).filter((w) => w.phase === 'Ready').length;
  output.out(`${outcome.actions === 0 ? 'in sync' : `${outcome.actions} action${outcome.actions === 1 ? '' : 's'} applied`}: ${ready}/${workloads} workloads ready`);
  return outcome.failed.length > 0 || state.invalid.length > 0 || outcome.pruneRefused.length > 0 ? 1 : 0;
}
