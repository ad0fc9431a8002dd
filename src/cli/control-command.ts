import { askController, ControllerNotRunningError, controlSocketPath } from '../app-control.js';
import type { ControlAction, ControlReply } from '../api/control.js';
import { durationFlag, nonEmptyFlag } from './flag-values.js';
import type { Output } from './output.js';
import { parseCommandArgs } from './parse-command-args.js';
import { DEFAULT_STATE_FILE, oneName } from './workload-lookup.js';

const DOES: Record<ControlAction, string> = {
  reconcile: `Asks the running controller to reconcile the workload now: it re-reads the
manifests from disk (an edit is applied without waiting for the resync or the
watcher), runs a pass over the workload, and the command prints how it ended.
A suspended workload is not reconciled: resume it first.`,
  suspend: `Asks the running controller to stop acting on the workload: no create, recreate,
removal or self-heal until 'tinyforge resume'; its status is still observed, its phase
is Suspended. The suspension is kept in the state file (controller.suspended) and
survives a restart of the controller. Deleting its manifest still removes its
containers (the workload is gone, not frozen).`,
  resume: `Asks the running controller to act on a workload that 'tinyforge suspend' froze
again, and prints how the pass that follows ended. A workload suspended by its
annotation tinyforge.dev/suspend stays suspended: the command says so, exits 1 and
changes nothing (remove the annotation from the manifest instead).`,
};

/** The command's usage text. */
export function controlUsage(action: ControlAction): string {
  return `usage: tinyforge ${action} NAME [--state FILE] [--timeout DUR]

${DOES[action]}

The controller is reached through its control socket, control.sock beside the state
file (NAME.control.sock beside a state file NAME.json of another name; mode 0600). NAME is a workload's name (web) or id (image/web).

  --state FILE     state file of the running controller (default ./.tinyforge/state.json)
  --timeout DUR    how long to wait for the controller's answer (default 2m)

Exit codes: 0 done; 1 no controller running, no such workload, refused (reconcile of a
suspended workload, resume of one its annotation suspends), the workload failed, or no
answer within the timeout; 2 usage.`;
}

export const OPTIONS = {
  state: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const DONE: Record<ControlAction, string> = { reconcile: 'reconciled', suspend: 'suspended', resume: 'resumed' };

/** `tinyforge reconcile|suspend|resume NAME`: one request to the running controller, its answer printed. */
async function controlCommand(action: ControlAction, argv: string[], output: Output): Promise<number> {
  const { values, positionals } = parseCommandArgs(action, argv, OPTIONS, true);
  if (values.help) {
    output.out(controlUsage(action));
    return 0;
  }
  const name = oneName(action, positionals);
  const file = nonEmptyFlag(values.state ?? DEFAULT_STATE_FILE, '--state');
  const timeoutMs = durationFlag(values.timeout ?? '2m', '--timeout');
  const socket = controlSocketPath(file);
  let reply: ControlReply;
  try {
    reply = await askController(socket, action, name, timeoutMs);
  } catch (error) {
    const why =
      error instanceof ControllerNotRunningError
        ? `no controller is running for the state file ${file} (${error.message}); start one with 'tinyforge run'`
        : `${socket}: ${(error as Error).message}`;
    output.err(`tinyforge ${action}: ${why}`);
    return 1;
  }
  const said = reply.phase === null ? reply.message : `${reply.phase}${reply.message ? ` (${reply.message})` : ''}`;
  if (!reply.ok) {
    output.err(
      `tinyforge ${action}: ${reply.workload === null ? `${reply.message} in ${file}` : `${reply.workload}: ${said}`}`,
    );
    return 1;
  }
  output.out(`${DONE[action]} ${reply.workload}: ${said}`);
  return 0;
}

export const reconcileCommand = (argv: string[], output: Output) => controlCommand('reconcile', argv, output);
export const suspendCommand = (argv: string[], output: Output) => controlCommand('suspend', argv, output);
export const resumeCommand = (argv: string[], output: Output) => controlCommand('resume', argv, output);
