import { setTimeout as delay } from 'node:timers/promises';
import { openController } from '../app.js';
import { formatProblem } from '../api/problem.js';
import type { WorkloadStatus } from '../api/state-types.js';
import type { TickResult } from '../reconcile/reconcile-tick.js';
import { CONTROLLER_FLAGS_HELP, CONTROLLER_OPTIONS, controllerFlags } from './controller-flags.js';
import type { ParsedControllerFlags } from './controller-flags.js';
import { configurationError } from './configuration-error.js';
import type { Output } from './output.js';
import { parseCommandArgs } from './parse-command-args.js';
import { planText } from './plan-output.js';
import { colourOn } from './colour.js';
import { choiceFlag } from './flag-values.js';
import { controllerLog, LOG_FORMATS } from './controller-log.js';
import type { LogFormat } from './controller-log.js';
import { onceProgress } from './progress-lines.js';
import { UsageError } from './errors.js';

export const RUN_USAGE = `usage: tinyforge run [options] [--once]

Runs the controller on the manifest directory. --once: one full reconcile (waiting for
started containers to settle, and for Project rollouts to finish), write the state
file, exit.
Exit codes: 0 converged; 1 a workload failed, a manifest is invalid, a prune was
refused, or the engine ID changed (--accept-new-engine); 2 usage or configuration
error; 3 Docker unreachable. On a terminal, --once says each step as it goes (on stderr).

${CONTROLLER_FLAGS_HELP}
  --log-format text|json the controller's log lines, each with its time and level: text, or one
                         JSON object a line for collectors (default text; --once prints plain lines)`;

/** `run`'s flags: the controller's, and the format of its log. */
export const RUN_OPTIONS = { ...CONTROLLER_OPTIONS, 'log-format': { type: 'string' } } as const;

/** `tinyforge run`: the controller, once or until SIGTERM/SIGINT. */
export async function runCommand(argv: string[], output: Output): Promise<number> {
  const { values } = parseCommandArgs('run', argv, RUN_OPTIONS);
  if (values.help) {
    output.out(RUN_USAGE);
    return 0;
  }
  const flags = controllerFlags(values);
  const logFormat = choiceFlag(values['log-format'] ?? 'text', '--log-format', LOG_FORMATS);
  if (!flags.once) return runDaemon(flags, output, { logFormat });
  // One pass then exit: no time to deliver, and nothing to compare a phase with.
  if (flags.notify) throw new UsageError('--notify is for the long-running controller: run without --once', 'run');
  output.err(`tinyforge: ${announce(flags)}`);
  const progress = onceProgress(output);
  const controller = await openController(flags.config, 'run', progress ? { progress } : {}).catch((error: unknown) =>
    configurationError(error, flags),
  );
  for (const notice of controller.notices) output.err(`tinyforge: ${notice}`);
  try {
    let result = await controller.tick();
    progress?.rolling(result.state, result.outcome.rolling);
    const planLines = [...result.planLines];
    const plan = [...result.plan];
    let actions = result.outcome.actions;
    // A Project rollout waits for its new slot to become healthy (at most its healthTimeout,
    // then it fails and rolls back): `--once` waits for the whole rollout.
    const cap = Date.now() + ROLLOUT_WAIT_CAP_MS;
    while (result.outcome.rolling.length > 0 && result.outcome.dockerReachable && Date.now() < cap) {
      await delay(ROLLOUT_POLL_MS);
      result = await controller.tick();
      progress?.rolling(result.state, result.outcome.rolling);
      planLines.push(...result.planLines);
      plan.push(...result.plan);
      actions += result.outcome.actions;
    }
    return report({ ...result, planLines, plan, outcome: { ...result.outcome, actions } }, output);
  } catch (error) {
    // The pass ran, its state could not be saved (a full disk, say): say so plainly, exit 1.
    if ((error as { code?: string }).code !== 'STATE_WRITE_FAILED') throw error;
    output.err(`tinyforge: ${(error as Error).message}`);
    return 1;
  } finally {
    controller.close();
  }
}

/** What is about to start, against which engine: said before anything is touched. */
function announce({ config, once }: ParsedControllerFlags): string {
  const what = once ? 'one reconcile pass' : `controller ${config.name}`;
  const engine = config.backend === 'swarm' ? 'the Swarm manager' : 'Docker';
  return `${what} on ${config.manifests} with ${engine} at ${config.dockerHost}; state ${config.state}`;
}

/** How often `run --once` looks at a rollout in progress. */
const ROLLOUT_POLL_MS = 500;
/** A bound on waiting for rollouts, whatever their health timeouts say. */
const ROLLOUT_WAIT_CAP_MS = 60 * 60_000;

/** The first SIGTERM or SIGINT from now on; later ones say the stop is under way instead of killing it. */
export function stopSignal(say: (line: string) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const on = (signal: NodeJS.Signals) => {
      if (received) say(`${signal}: stopping already, please wait`);
      received = true;
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/**
 * The long-running controller until SIGTERM/SIGINT (`stopped`, listened for by the
 * caller or from here on): then the reconcile in flight finishes, the state is written,
 * exit 0. `alongside` runs once it has started (the demo's guide), told through its
 * signal when the controller is stopping.
 */
export async function runDaemon(
  flags: ParsedControllerFlags,
  output: Output,
  options: {
    alongside?: (stopping: AbortSignal) => Promise<void>;
    stopped?: Promise<NodeJS.Signals>;
    logFormat?: LogFormat;
  } = {},
): Promise<number> {
  const log = controllerLog(output, options.logFormat ?? 'text');
  const info = (line: string) => log.err(line, 'info');
  info(announce(flags));
  const config = {
    ...flags.config,
    resyncMs: flags.resyncMs,
    debounceMs: flags.debounceMs,
    eventSilenceMs: flags.eventSilenceMs,
    ...(flags.healthAddr ? { healthAddr: flags.healthAddr } : {}),
    ...(flags.notify ? { notify: flags.notify } : {}),
    ...(flags.webToken ? { webToken: flags.webToken } : {}),
  };
  // Listen first: a signal during start-up must still end in an orderly stop.
  const stopped = options.stopped ?? stopSignal(info);
  // Loaded here: `run --once` never watches files or events, nor serves health.
  const { startDaemon } = await import('../app-daemon.js');
  const running = await startDaemon(config, log).catch((error: unknown) => configurationError(error, flags));
  for (const notice of running.notices) info(notice);
  info(
    `controller ${config.name} running on ${config.manifests} (pid ${process.pid}); resync every ${flags.resyncMs / 1000}s`,
  );
  const stopping = new AbortController();
  const side = options
    .alongside?.(stopping.signal)
    .catch((error: unknown) => log.err((error as Error).message, 'error'));
  const signal = await stopped;
  stopping.abort();
  info(`${signal}: finishing the reconcile in flight`);
  await side;
  await running.stop();
  info('stopped');
  return 0;
}

/** Prints what a tick did and decides `run --once`'s exit code. */
function report(result: TickResult, output: Output): number {
  const { state, plan, outcome } = result;
  // The lines `plan` prints, with their changed fields, coloured on a terminal.
  for (const line of planText(plan, colourOn(process.env, output.isTTY ?? false))) output.out(line);
  for (const problem of state.invalid) output.err(formatProblem(problem));
  if (!outcome.dockerReachable) {
    output.err(`tinyforge: Docker is unreachable: ${state.controller.docker.lastError}`);
    return 3;
  }
  if (outcome.held !== undefined) {
    output.err(`tinyforge: ${outcome.held}`);
    return 1;
  }
  for (const id of outcome.failed) {
    const w = state.workloads[id];
    output.err(`tinyforge: ${id} ${w?.phase}: ${readyMessage(w)}`);
  }
  if (outcome.pruneRefused.length > 0) output.err(`tinyforge: prune refused for ${outcome.pruneRefused.join(', ')}`);
  // Still coming up once the pass has waited for its containers: not converged.
  const progressing = Object.entries(state.workloads).filter(([, w]) => w.phase === 'Progressing');
  for (const [id, w] of progressing) output.err(`tinyforge: ${id} Progressing: ${readyMessage(w)}`);
  const workloads = Object.keys(state.workloads).length;
  const ready = Object.values(state.workloads).filter((w) => w.phase === 'Ready').length;
  output.out(
    `${outcome.actions === 0 ? 'in sync' : `${outcome.actions} action${outcome.actions === 1 ? '' : 's'} applied`}: ${ready}/${workloads} workloads ready`,
  );
  const converged = [outcome.failed, state.invalid, outcome.pruneRefused, progressing].every(
    (list) => list.length === 0,
  );
  return converged ? 0 : 1;
}

function readyMessage(w: WorkloadStatus | undefined): string {
  return w?.conditions.find((c) => c.type === 'Ready')?.message ?? '';
}
