import { setTimeout as delay } from 'node:timers/promises';
import type { ControllerState } from '../api/state-types.js';
import { specOnDiskReader } from '../app-spec-on-disk.js';
import { CorruptStateError, readState } from '../app-state.js';
import { CONTROLLER_OPTIONS, controllerFlags } from './controller-flags.js';
import { UsageError } from './errors.js';
import { choiceFlag, durationFlag } from './flag-values.js';
import type { Output } from './output.js';
import { helpPointer, parseCommandArgs } from './parse-command-args.js';
import { staleness } from './status-command.js';
import { judge } from './wait-verdict.js';
import type { Verdict } from './wait-verdict.js';

export const WAIT_USAGE = `usage: tinyforge wait NAME... [--for ready] [--timeout DUR] [--interval DUR] [run's flags]

Waits until the workloads are Ready with the spec now on disk, like 'kubectl rollout
status', for a CI job after 'git push'. It loads the manifests as 'run' does, with the
same flags (--manifests, --state, --name, --allow-...; see 'tinyforge run --help'),
and compares each workload's spec hash with the one the state file says was applied,
reading both again until they agree and the workload is Ready. NAME is a name (web)
or an id (image/web). An invalid manifest, or a NAME the manifests lack, ends the wait
at once.

  --for ready        the condition waited for (the only one)
  --timeout DUR      how long to wait (default 2m; 0 looks once)
  --interval DUR     how often to look (default 250ms)

Exit codes: 0 ready; 1 failed, invalid, unknown, timed out, or the state file is not a
tinyforge state; 2 usage.`;

const WAIT_OPTIONS = {
  ...CONTROLLER_OPTIONS,
  for: { type: 'string' },
  timeout: { type: 'string' },
  interval: { type: 'string' },
} as const;

/** `tinyforge wait`: reads the manifests and the state file (never Docker) until ready, failed or out of time. */
export async function waitCommand(argv: string[], output: Output): Promise<number> {
  const { values, positionals: names } = parseCommandArgs('wait', argv, WAIT_OPTIONS, true);
  if (values.help) {
    output.out(WAIT_USAGE);
    return 0;
  }
  if (names.length === 0) throw new UsageError(`name at least one workload; ${helpPointer('wait')}`, 'wait');
  choiceFlag(values.for ?? 'ready', '--for', ['ready'] as const);
  const timeout = values.timeout ?? '2m';
  const timeoutMs = durationFlag(timeout, '--timeout', { zero: true });
  const intervalMs = durationFlag(values.interval ?? '250ms', '--interval');
  const { config } = controllerFlags(values);
  const places = { manifests: config.manifests, stateFile: config.state };
  const readSpec = specOnDiskReader(config);
  const deadline = Date.now() + timeoutMs;
  let warned = false;
  for (;;) {
    const spec = await readSpec();
    const read = await readWaitedState(config.state);
    if ('unusable' in read) {
      output.err(`tinyforge: ${read.unusable}`);
      return 1;
    }
    const { state } = read;
    const stale = state && staleness(state, new Date());
    if (stale && !warned) output.err(`tinyforge: warning: ${stale}`);
    warned ||= stale !== undefined;
    let verdicts: Verdict[];
    try {
      verdicts = names.map((name) => judge(name, spec, state, places));
    } catch (error) {
      if ((error as { code?: string }).code !== 'KEY_UNREADABLE') throw error;
      output.err(`tinyforge: ${(error as Error).message}`);
      return 1;
    }
    const failed = verdicts.filter((v) => v.kind === 'failed');
    if (failed.length > 0) return report(failed, output);
    if (verdicts.every((v) => v.kind === 'ready')) {
      for (const v of verdicts) output.out(`${v.id}: ${v.message}`);
      return 0;
    }
    if (Date.now() >= deadline) {
      for (const v of verdicts.filter((v) => v.kind !== 'ready'))
        output.err(`tinyforge: timed out after ${timeout}: ${v.id}: ${v.message}`);
      return 1;
    }
    await delay(intervalMs);
  }
}

/** The problems behind the failures, each once, then one line per failed workload. */
function report(failed: readonly Verdict[], output: Output): number {
  for (const line of new Set(failed.flatMap((v) => v.problems ?? []))) output.err(line);
  for (const v of failed) output.err(`tinyforge: ${v.id}: ${v.message}`);
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
