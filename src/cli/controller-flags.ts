import { parseArgs } from 'node:util';
import { DEFAULT_CONTROLLER_NAME } from '../api/defaults.js';
import { parseDuration } from '../api/units.js';
import type { ControllerConfig } from '../app.js';
import { DEFAULT_PORT_RANGE } from '../reconcile/port-allocator.js';
import type { PortRange } from '../reconcile/port-allocator.js';
import { UsageError } from './errors.js';
import { POLICY_OPTIONS, policyFromFlags } from './policy-flags.js';

/** The flags `run` and `plan` share (README: Command line). */
export const CONTROLLER_OPTIONS = {
  manifests: { type: 'string' },
  state: { type: 'string' },
  name: { type: 'string' },
  'docker-host': { type: 'string' },
  'docker-timeout': { type: 'string' },
  resync: { type: 'string' },
  debounce: { type: 'string' },
  'health-addr': { type: 'string' },
  concurrency: { type: 'string' },
  routes: { type: 'string' },
  'caddy-admin': { type: 'string' },
  'caddy-server': { type: 'string' },
  'caddy-listen': { type: 'string' },
  'port-range': { type: 'string' },
  'allow-empty': { type: 'boolean' },
  once: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...POLICY_OPTIONS,
} as const;

export const CONTROLLER_FLAGS_HELP = `  --manifests DIR        manifest directory (default ./manifests)
  --state FILE           state file (default ./.tinyforge/state.json); controller.key beside it
  --name NAME            controller name, in labels and container names (default default)
  --docker-host URL      unix:///path or tcp://host:port (default $DOCKER_HOST or /var/run/docker.sock)
  --docker-timeout DUR   deadline of one Docker call (default 10s)
  --resync DUR           periodic full reconcile (default 30s)
  --debounce DUR         quiet period after file changes before a rescan (default 150ms)
  --health-addr ADDR     serve /healthz, /readyz and /metrics, e.g. 127.0.0.1:9090 (run only)
  --concurrency N        workloads reconciled at once (default 4)
  --routes none|caddy    route provider (default none: routes recorded in status only)
  --caddy-admin URL      Caddy's admin API (default http://127.0.0.1:2019)
  --caddy-server NAME    the Caddy HTTP server that gets the routes (default tinyforge)
  --caddy-listen ADDR    where that server listens when tinyforge creates it (default :80)
  --port-range A-B       host ports for Project slots (default 20000-29999)
  --allow-empty          allow pruning everything when the directory holds no manifests
  --allow-privileged, --allow-capabilities CAP,..., --allow-devices,
  --allow-host-namespaces, --allow-host-paths DIR,...   operator policy`;

export interface ParsedControllerFlags {
  config: ControllerConfig;
  once: boolean;
  resyncMs: number;
  debounceMs: number;
  healthAddr: string | undefined;
  help: boolean;
}

/** Parses run/plan flags into a ControllerConfig; bad values are usage errors (exit 2). */
export function parseControllerFlags(argv: string[], usage: string): ParsedControllerFlags {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: CONTROLLER_OPTIONS, allowPositionals: false, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
  const { values } = parsed;
  const name = values.name ?? DEFAULT_CONTROLLER_NAME;
  if (!/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/.test(name)) throw new UsageError(`--name must be a short DNS label (got ${JSON.stringify(name)})`);
  const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError(`--concurrency must be a whole number from 1 to 64 (got ${values.concurrency})`);
  const routes = values.routes ?? 'none';
  if (routes !== 'none' && routes !== 'caddy') throw new UsageError(`--routes must be none or caddy (got ${routes})`);
  const caddyAdmin = values['caddy-admin'] ?? 'http://127.0.0.1:2019';
  if (!/^https?:\/\/[^/]+\/?$/.test(caddyAdmin)) throw new UsageError(`--caddy-admin must be http://host:port (got ${caddyAdmin})`);
  if (values['caddy-server'] !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(values['caddy-server'])) throw new UsageError(`--caddy-server must be a server name of letters, digits, - and _ (got ${values['caddy-server']})`);
  const dockerHost = values['docker-host'] ?? process.env['DOCKER_HOST'] ?? 'unix:///var/run/docker.sock';
  if (!/^(unix|tcp|http|https):\/\//.test(dockerHost)) throw new UsageError(`--docker-host must be unix:///path or tcp://host:port (got ${dockerHost})`);
  return {
    config: {
      manifests: values.manifests ?? 'manifests',
      state: values.state ?? '.tinyforge/state.json',
      name,
      dockerHost,
      dockerTimeoutMs: duration(values['docker-timeout'] ?? '10s', '--docker-timeout'),
      concurrency,
      allowEmpty: values['allow-empty'] ?? false,
      policy: policyFromFlags(values, dockerHost),
      settleTimeoutMs: 30_000,
      portRange: portRange(values['port-range']),
      routes,
      caddy: { admin: caddyAdmin, server: values['caddy-server'] ?? 'tinyforge', listen: values['caddy-listen'] ?? ':80' },
    },
    once: values.once ?? false,
    resyncMs: duration(values.resync ?? '30s', '--resync'),
    debounceMs: duration(values.debounce ?? '150ms', '--debounce'),
    healthAddr: values['health-addr'],
    help: values.help ?? false,
  };
}

function portRange(text: string | undefined): PortRange {
  if (text === undefined) return DEFAULT_PORT_RANGE;
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(text);
  const [first, last] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(first >= 1024 && last <= 65535 && first <= last)) throw new UsageError(`--port-range must be FIRST-LAST within 1024-65535, such as 20000-29999 (got ${JSON.stringify(text)})`);
  return { first, last };
}

function duration(text: string, flag: string): number {
  try {
    const ms = parseDuration(text);
    if (ms <= 0) throw new Error('not positive');
    return ms;
  } catch {
    throw new UsageError(`${flag} must be a duration such as 500ms, 10s or 1m (got ${JSON.stringify(text)})`);
  }
}
