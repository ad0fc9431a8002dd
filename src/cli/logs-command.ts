import { setTimeout as delay } from 'node:timers/promises';
import type { LogOptions, LogTarget, WorkloadLogs } from '../app-logs.js';
import type { WorkloadStatus } from '../api/state-types.js';
import { dockerHostFlag } from './controller-flags.js';
import { UsageError } from './errors.js';
import { durationFlag, nonEmptyFlag, wholeNumberFlag } from './flag-values.js';
import { interrupted } from './interrupted.js';
import type { FollowDeps } from './interrupted.js';
import { LogSession } from './log-session.js';
import type { Output } from './output.js';
import { parseCommandArgs } from './parse-command-args.js';
import { DEFAULT_STATE_FILE, lookUpWorkload, oneName } from './workload-lookup.js';

export const LOGS_USAGE = `usage: tinyforge logs NAME [--role R] [--replica N] [-f] [--since DUR] [--tail N] [-t]

The logs of a workload's containers, through the engine API, like 'docker compose logs'.
NAME is a workload's name (web) or id (image/web), as the state file knows it; its
containers are the engine's that the controller owns (signed labels). The program's
stdout and stderr both print to stdout. When the workload has several containers, each
line starts with its container: '<role>-<replica> | ' ('<role>-<replica>-<slot> | ' for
a Project), lines of all containers in time order (with -f: as they come). Under the
swarm backend (the one the state file names): the owned services' tasks, read through the
manager's service logs, each named by its slot ('<role>-<slot> | ').

  --role R           only the containers of this role (a Stack service, a Project stage)
  --replica N        only replica N
  -f, --follow       keep printing new lines, also of containers that replace others,
                     until Ctrl-C
  --since DUR        only lines of the last DUR (10m), or since a time (2026-01-02T15:04:05Z)
  --tail N           only the last N lines of each container (default all)
  -t, --timestamps   show Docker's timestamp of each line
  --state FILE       state file (default ./.tinyforge/state.json); controller.key beside it
  --name NAME        controller name (default: the one the state file names)
  --docker-host URL  unix:///path, tcp://host:port or ssh://user@host[:port] (default $DOCKER_HOST or /var/run/docker.sock)

Exit codes: 0; 1 no such workload, no state file, Docker unreachable, or (swarm) not a manager; 2 usage.`;

export const OPTIONS = {
  role: { type: 'string' },
  replica: { type: 'string' },
  follow: { type: 'boolean', short: 'f' },
  since: { type: 'string' },
  tail: { type: 'string' },
  timestamps: { type: 'boolean', short: 't' },
  state: { type: 'string' },
  name: { type: 'string' },
  'docker-host': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** How often `logs -f` looks for containers that replaced or joined the ones it follows. */
const FOLLOW_POLL_MS = 1000;

/** What `logs` needs from outside; tests give their own. */
export interface LogsDeps extends FollowDeps {
  open: (config: {
    dockerHost: string;
    state: string;
    name: string;
    timeoutMs: number;
    backend: 'docker' | 'swarm';
  }) => WorkloadLogs;
}

/** `tinyforge logs`: a workload's container logs from the engine. */
export async function logsCommand(argv: string[], output: Output, deps: Partial<LogsDeps> = {}): Promise<number> {
  const { values, positionals } = parseCommandArgs('logs', argv, OPTIONS, true);
  if (values.help) {
    output.out(LOGS_USAGE);
    return 0;
  }
  const name = oneName('logs', positionals);
  const request = logsRequest(values);
  const file = nonEmptyFlag(values.state ?? DEFAULT_STATE_FILE, '--state');
  const found = await lookUpWorkload(file, name, output);
  if (!found) return 1;
  // Loaded here: dockerode only for the command that talks to the engine.
  const open = deps.open ?? (await import('../app-logs.js')).workloadLogs;
  const context = { open, stopped: deps.stopped ?? interrupted, pollMs: deps.pollMs ?? FOLLOW_POLL_MS, output, file };
  try {
    const controller = request.name ?? found.state.controller.name;
    const backend = found.state.controller.backend ?? 'docker';
    return await showLogs(found.id, found.workload, { ...request, name: controller, backend }, context);
  } catch (error) {
    output.err(`tinyforge: ${(error as Error).message}`);
    return 1;
  }
}

interface LogsRequest {
  role: string | undefined;
  replica: number | undefined;
  follow: boolean;
  timestamps: boolean;
  options: Omit<LogOptions, 'follow'>;
  dockerHost: string;
  /** The controller's name; absent: the state file's. */
  name: string | undefined;
}

function logsRequest(values: {
  role?: string;
  replica?: string;
  follow?: boolean;
  since?: string;
  tail?: string;
  timestamps?: boolean;
  name?: string;
  'docker-host'?: string;
}): LogsRequest {
  const tail =
    values.tail === undefined || values.tail === 'all' ? undefined : wholeNumberFlag(values.tail, '--tail', 0, 1e9);
  const since = values.since === undefined ? undefined : sinceFlag(values.since);
  return {
    role: values.role,
    replica: values.replica === undefined ? undefined : wholeNumberFlag(values.replica, '--replica', 1, 100),
    follow: values.follow ?? false,
    timestamps: values.timestamps ?? false,
    options: { ...(tail === undefined ? {} : { tail }), ...(since === undefined ? {} : { sinceSeconds: since }) },
    dockerHost: dockerHostFlag(values['docker-host']),
    name: values.name === undefined ? undefined : nonEmptyFlag(values.name, '--name'),
  };
}

/** `--since`: a duration back from now, or a point in time; as seconds since the epoch. */
function sinceFlag(text: string): number {
  if (/^\d{4}-\d\d-\d\d/.test(text)) {
    const at = Date.parse(text);
    if (Number.isNaN(at))
      throw new UsageError(
        `--since must be a duration such as 10m or a time such as 2026-01-02T15:04:05Z (got ${JSON.stringify(text)})`,
      );
    return at / 1000;
  }
  return (Date.now() - durationFlag(text, '--since')) / 1000;
}

async function showLogs(
  id: string,
  workload: WorkloadStatus,
  request: LogsRequest & { name: string; backend: 'docker' | 'swarm' },
  context: LogsDeps & { output: Output; file: string },
): Promise<number> {
  const logs = context.open({
    dockerHost: request.dockerHost,
    state: context.file,
    name: request.name,
    timeoutMs: 10_000,
    backend: request.backend,
  });
  const chosen = (targets: readonly LogTarget[]) => targets.filter((t) => picked(t, request));
  const targets = chosen(await logs.targets(id));
  const rows = workload.containers.filter((row) => picked(row, request));
  const session = new LogSession(logs, {
    labelled: Math.max(targets.length, rows.length) > 1,
    timestamps: request.timestamps,
    print: (text) => context.output.out(text),
  });
  if (targets.length === 0)
    context.output.err(
      `tinyforge: ${id} has no container${request.role || request.replica ? ' of that role and replica' : ''} on the engine${request.follow ? ' yet' : ''}`,
    );
  if (!request.follow) {
    await session.printAll(targets, { ...request.options, follow: false });
    return 0;
  }
  await followLogs(session, targets, () => logs.targets(id).then(chosen), request.options, context);
  return 0;
}

/**
 * Follows `first` from `options`, then looks every poll at `targets` for containers that
 * joined (a replacement, a restart in place) and follows them too, until stopped.
 */
async function followLogs(
  session: LogSession,
  first: readonly LogTarget[],
  targets: () => Promise<LogTarget[]>,
  options: Omit<LogOptions, 'follow'>,
  context: FollowDeps,
): Promise<void> {
  const { tail: _, ...since } = options;
  const stop = new AbortController();
  void context.stopped().then(() => stop.abort());
  try {
    await session.follow(first, { ...options, follow: true });
    while (!stop.signal.aborted) {
      await delay(context.pollMs, undefined, { signal: stop.signal }).catch(() => undefined);
      if (stop.signal.aborted) break;
      // A failed look (the engine restarting) is tried again at the next poll; what is followed goes on.
      await targets()
        // A container that joins later shows its whole log (--since still holds, --tail not).
        .then((now) => session.follow(now, { ...since, follow: true }))
        .catch(() => undefined);
    }
  } finally {
    session.close();
  }
}

function picked(target: { role: string; replica: number }, request: LogsRequest): boolean {
  return (
    (request.role === undefined || target.role === request.role) &&
    (request.replica === undefined || target.replica === request.replica)
  );
}
