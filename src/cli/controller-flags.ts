import { DEFAULT_CONTROLLER_NAME } from '../api/defaults.js';
import type { ControllerConfig } from '../app.js';
import { DEFAULT_PORT_RANGE } from '../reconcile/port-allocator.js';
import type { PortRange } from '../reconcile/port-allocator.js';
import { UsageError } from './errors.js';
import {
  addressFlag,
  choiceFlag,
  durationFlag,
  formatHostPort,
  nonEmptyFlag,
  urlFlag,
  wholeNumberFlag,
} from './flag-values.js';
import type { HostPort } from './flag-values.js';
import { POLICY_OPTIONS, policyFromFlags } from './policy-flags.js';
import { NOTIFY_FLAGS_HELP, NOTIFY_OPTIONS, notifyFlags } from './notify-flags.js';
import type { NotifyFlagValues } from './notify-flags.js';
import type { NotifyConfig } from '../api/notification.js';
import type { PolicyFlagValues } from './policy-flags.js';
import { webTokenFlag } from './web-token-flag.js';

/** The flags `run`, `plan` and `wait` share (README: Command line). */
export const CONTROLLER_OPTIONS = {
  manifests: { type: 'string' },
  state: { type: 'string' },
  name: { type: 'string' },
  'docker-host': { type: 'string' },
  backend: { type: 'string' },
  'docker-timeout': { type: 'string' },
  resync: { type: 'string' },
  debounce: { type: 'string' },
  'event-silence': { type: 'string' },
  'health-addr': { type: 'string' },
  'web-token': { type: 'string' },
  concurrency: { type: 'string' },
  routes: { type: 'string' },
  'caddy-admin': { type: 'string' },
  'caddy-server': { type: 'string' },
  'caddy-listen': { type: 'string' },
  'port-range': { type: 'string' },
  'allow-empty': { type: 'boolean' },
  'accept-new-engine': { type: 'boolean' },
  once: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...POLICY_OPTIONS,
  ...NOTIFY_OPTIONS,
} as const;

export const CONTROLLER_FLAGS_HELP = `  --manifests DIR        manifest directory (default ./manifests)
  --state FILE           state file (default ./.tinyforge/state.json); controller.key beside it
  --name NAME            controller name, in labels and container names (default default)
  --docker-host URL      unix:///path, tcp://host:port or ssh://user@host[:port] (default $DOCKER_HOST or /var/run/docker.sock)
  --docker-timeout DUR   deadline of one Docker call (default 10s)
  --backend docker|swarm what workloads become: containers on the engine, or services of the
                         Swarm cluster the engine manages (default docker)
  --resync DUR           periodic full reconcile (default 30s)
  --debounce DUR         quiet period after file changes before a rescan (default 150ms)
  --event-silence DUR    how long Docker's event stream may say nothing before the engine is
                         asked whether it missed an event; if so it is reconnected (default 30s)
  --health-addr ADDR     serve /healthz, /readyz and /metrics, e.g. 127.0.0.1:9090 (run only)
  --web-token TOKEN      what the status page and /metrics on --health-addr ask for (Bearer or
                         ?token=); needed off loopback (default $TINYFORGE_WEB_TOKEN)
  --concurrency N        workloads a pass acts on, and passes run, at once: 1 to 64 (default 4)
  --routes none|caddy    route provider (default none: routes recorded in status only)
  --caddy-admin URL      Caddy's admin API (default http://127.0.0.1:2019)
  --caddy-server NAME    the Caddy HTTP server that gets the routes (default tinyforge)
  --caddy-listen ADDR    where that server listens when tinyforge creates it (default :80)
  --port-range A-B       host ports for Project slots (default 20000-29999)
  --allow-empty          allow pruning everything when the directory holds no manifests
  --accept-new-engine    act on an engine whose ID differs from the state file's (another
                         engine, or a swapped data root) and record its ID
  --allow-privileged, --allow-capabilities CAP,..., --allow-devices,
  --allow-host-namespaces, --allow-host-paths DIR,...   operator policy
${NOTIFY_FLAGS_HELP}`;

/** The values parseArgs gives for CONTROLLER_OPTIONS. */
export type ControllerFlagValues = {
  [K in Exclude<
    keyof typeof CONTROLLER_OPTIONS,
    keyof PolicyFlagValues | keyof NotifyFlagValues
  >]?: (typeof CONTROLLER_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string;
} & PolicyFlagValues &
  NotifyFlagValues;

export interface ParsedControllerFlags {
  config: ControllerConfig;
  once: boolean;
  resyncMs: number;
  debounceMs: number;
  eventSilenceMs: number;
  /** Where /healthz listens; a bare port means 127.0.0.1. */
  healthAddr: HostPort | undefined;
  /** `--notify`: where the long-running controller POSTs phase changes, or undefined. */
  notify: NotifyConfig | undefined;
  /** What every route of --health-addr but /healthz and /readyz asks for, when set. */
  webToken: string | undefined;
}

/** Checks every controller flag's value, before anything is opened: a bad one is a usage error (exit 2). */
export function controllerFlags(values: ControllerFlagValues): ParsedControllerFlags {
  const name = values.name ?? DEFAULT_CONTROLLER_NAME;
  if (!/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/.test(name))
    throw new UsageError(`--name must be a short DNS label (got ${JSON.stringify(name)})`);
  const dockerHost = dockerHostFlag(values['docker-host']);
  const caddyServer = values['caddy-server'] ?? 'tinyforge';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(caddyServer))
    throw new UsageError(
      `--caddy-server must be a server name of letters, digits, - and _ (got ${JSON.stringify(caddyServer)})`,
    );
  const health =
    values['health-addr'] === undefined
      ? undefined
      : addressFlag(values['health-addr'], '--health-addr', '127.0.0.1:9090');
  return {
    config: {
      manifests: nonEmptyFlag(values.manifests ?? 'manifests', '--manifests'),
      state: nonEmptyFlag(values.state ?? '.tinyforge/state.json', '--state'),
      name,
      dockerHost,
      backend: choiceFlag(values.backend ?? 'docker', '--backend', ['docker', 'swarm'] as const),
      dockerTimeoutMs: durationFlag(values['docker-timeout'] ?? '10s', '--docker-timeout'),
      concurrency: wholeNumberFlag(values.concurrency ?? '4', '--concurrency', 1, 64),
      allowEmpty: values['allow-empty'] ?? false,
      acceptNewEngine: values['accept-new-engine'] ?? false,
      policy: policyFromFlags(values, dockerHost),
      settleTimeoutMs: 30_000,
      portRange: portRange(values['port-range']),
      routes: choiceFlag(values.routes ?? 'none', '--routes', ['none', 'caddy'] as const),
      caddy: {
        admin: urlFlag(
          values['caddy-admin'] ?? 'http://127.0.0.1:2019',
          '--caddy-admin',
          ['http', 'https'],
          'http://127.0.0.1:2019',
        ).origin,
        server: caddyServer,
        listen: formatHostPort(addressFlag(values['caddy-listen'] ?? ':80', '--caddy-listen', ':80 or 127.0.0.1:8080')),
      },
    },
    once: values.once ?? false,
    resyncMs: durationFlag(values.resync ?? '30s', '--resync'),
    debounceMs: durationFlag(values.debounce ?? '150ms', '--debounce'),
    eventSilenceMs: durationFlag(values['event-silence'] ?? '30s', '--event-silence'),
    healthAddr: health && { host: health.host || '127.0.0.1', port: health.port },
    notify: notifyFlags(values),
    webToken: webTokenFlag(values['web-token'], health),
  };
}

/** `--docker-host`, else `$DOCKER_HOST` (named as such when it is the bad one), else the usual socket. */
export function dockerHostFlag(flag: string | undefined): string {
  const env = process.env['DOCKER_HOST'];
  const [text, source] =
    flag !== undefined ? [flag, '--docker-host'] : env ? [env, 'DOCKER_HOST'] : ['unix:///var/run/docker.sock', ''];
  const forms = 'unix:///absolute/path.sock, tcp://host:port or ssh://user@host[:port]';
  if (text.startsWith('unix://')) {
    if (text.length > 'unix://'.length + 1 && text[7] === '/') return text;
    throw new UsageError(`${source} must be ${forms} (got ${JSON.stringify(text)})`);
  }
  if (text.startsWith('ssh://')) return sshHostFlag(text, source, forms);
  urlFlag(text, source, ['tcp', 'http', 'https'], forms);
  return text;
}

/** `ssh://[user@]host[:port]`; a user with a password is refused without echoing it (keys and agents only). */
function sshHostFlag(text: string, source: string, forms: string): string {
  const [, user, rest] = /^ssh:\/\/(?:([^@/]*)@)?(.*)$/s.exec(text)!;
  if (user !== undefined && !/^[A-Za-z0-9._][A-Za-z0-9._-]*$/.test(user))
    throw new UsageError(
      `${source}: the user of an ssh:// host must be a plain user name (no password: tinyforge signs in with ssh-agent or ~/.ssh keys)`,
    );
  urlFlag(`ssh://${rest}`, source, ['ssh'], forms);
  return text;
}

function portRange(text: string | undefined): PortRange {
  if (text === undefined) return DEFAULT_PORT_RANGE;
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(text);
  const [first, last] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(first >= 1024 && last <= 65535 && first <= last))
    throw new UsageError(
      `--port-range must be FIRST-LAST within 1024-65535, such as 20000-29999 (got ${JSON.stringify(text)})`,
    );
  return { first, last };
}
