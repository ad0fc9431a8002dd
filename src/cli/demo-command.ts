import path from 'node:path';
import {
  demoPaths,
  isLoopbackPortFree,
  removeSandbox,
  runningDemo,
  startDemoRoutes,
  startSandbox,
  stopDemo,
  waitAllReady,
} from '../app-demo.js';
import type { DemoPlaces, DemoRecord, DemoRoutes } from '../app-demo.js';
import { NAME_PREFIX } from '../api/defaults.js';
import type { ControllerState } from '../api/state-types.js';
import { CONTROLLER_OPTIONS, controllerFlags } from './controller-flags.js';
import { UsageError } from './errors.js';
import { nonEmptyFlag, wholeNumberFlag } from './flag-values.js';
import type { Output } from './output.js';
import { parseCommandArgs } from './parse-command-args.js';
import { runDaemon, stopSignal } from './run-command.js';
import { workloadTable } from './status-command.js';

export const DEMO_USAGE = `usage: tinyforge demo [--port P] [--dir DIR] [--down]

A throw-away sandbox that shows tinyforge at work: a private Docker engine of its own
(never your engine, never your containers; installed with apt-get when missing, as
root), local demo images (nothing is pulled), a copy of example manifests in DIR
(default ./demo), and the long-running controller on them, with /healthz and /metrics
on 127.0.0.1:P (default 7070). Ctrl-C, or 'tinyforge demo --down' from another
terminal, stops it all and deletes the engine's data and DIR.
Exit codes: 0; 1 the sandbox could not start; 2 usage.`;

/** The demo engine's folder: one demo per machine (TINYFORGE_DEMO_ENGINE_DIR moves it). */
const ENGINE_DIR = process.env['TINYFORGE_DEMO_ENGINE_DIR'] ?? '/tmp/tinyforge-demo';

/** `tinyforge demo`: up until Ctrl-C, then everything it made is gone. */
export async function demoCommand(argv: string[], output: Output): Promise<number> {
  const options = {
    port: { type: 'string' },
    dir: { type: 'string' },
    down: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  const { values } = parseCommandArgs('demo', argv, options);
  if (values.help) {
    output.out(DEMO_USAGE);
    return 0;
  }
  const places: DemoPlaces = { dir: nonEmptyFlag(values.dir ?? 'demo', '--dir'), engineDir: ENGINE_DIR };
  const port = wholeNumberFlag(values.port ?? '7070', '--port', 1, 65535);
  const running = runningDemo(places.engineDir);
  if (values.down) return down(running, places, output);
  if (running) {
    output.out(
      `tinyforge: a demo already runs (pid ${running.pid}): manifests in ${running.dir}/manifests, Docker at ${running.dockerHost}, health on ${running.healthAddr}; stop it with 'tinyforge demo --down'`,
    );
    return 0;
  }
  if (!(await isLoopbackPortFree(port))) throw new UsageError(`--port ${port}: address already in use`, 'demo');
  return up(places, port, output);
}

async function up(places: DemoPlaces, port: number, output: Output): Promise<number> {
  const healthAddr = `127.0.0.1:${port}`;
  const progress = (line: string) => output.err(`tinyforge demo: ${line}`);
  // From the first moment: Ctrl-C while the engine starts must still remove it.
  let signalled = false;
  const stopped = stopSignal((line) => output.err(`tinyforge: ${line}`)).finally(() => (signalled = true));
  output.err(
    `tinyforge demo: starting a private Docker engine in ${places.engineDir} (your own Docker is not touched)`,
  );
  let routes: DemoRoutes | undefined;
  try {
    const dockerHost = await startSandbox(places, healthAddr, progress);
    routes = await startDemoRoutes().catch((error: unknown) => {
      progress(`no Caddy for the routes (${(error as Error).message}): they are only recorded`);
      return undefined;
    });
    if (signalled) return 0;
    const { manifests, state } = demoPaths(places.dir);
    // `--flag=value`: a folder whose name starts with "-" must not read as a flag.
    const args = [
      `--manifests=${manifests}`,
      `--state=${state}`,
      `--docker-host=${dockerHost}`,
      `--health-addr=${healthAddr}`,
    ];
    if (routes) args.push('--routes=caddy', `--caddy-admin=${routes.admin}`, `--caddy-listen=${routes.listen}`);
    const flags = controllerFlags(parseCommandArgs('demo', args, CONTROLLER_OPTIONS).values);
    const at = { dockerHost, healthAddr, routes };
    return await runDaemon(flags, output, { stopped, alongside: (stopping) => guide(places, at, stopping, output) });
  } catch (error) {
    // What keeps the sandbox from starting: a folder that is not a demo's, an engine that cannot run here.
    const { code, message } = error as { code?: string; message: string };
    if (code !== 'DEMO_FOLDER' && code !== 'SANDBOX_ENGINE') throw error;
    output.err(`tinyforge demo: ${message}`);
    return 1;
  } finally {
    await routes?.stop();
    await removeSandbox(places, progress);
    output.err(`tinyforge demo: removed the sandbox engine and ${places.dir}`);
  }
}

async function down(running: DemoRecord | undefined, places: DemoPlaces, output: Output): Promise<number> {
  if (running && (await stopDemo(running))) {
    output.out(`tinyforge: the demo (pid ${running.pid}) stopped and removed its sandbox`);
    return 0;
  }
  // No demo process, but perhaps what a killed one left behind: its own folder, if known.
  await removeSandbox(running ? { ...places, dir: running.dir } : places, () => undefined);
  output.out(
    running
      ? `tinyforge: the demo (pid ${running.pid}) did not stop in time; its engine was removed`
      : 'tinyforge: no demo was running; nothing of one is left',
  );
  return running ? 1 : 0;
}

/** Where the demo's parts answer, for its guide. */
interface DemoEndpoints {
  dockerHost: string;
  healthAddr: string;
  routes: DemoRoutes | undefined;
}

/** Once every demo workload is Ready: the status table and three things to try. */
async function guide(places: DemoPlaces, at: DemoEndpoints, stopping: AbortSignal, output: Output): Promise<void> {
  const { manifests, state } = demoPaths(places.dir);
  const ready = await waitAllReady(state, stopping);
  if (!ready) {
    if (!stopping.aborted)
      output.err(`tinyforge demo: not every workload became Ready; see 'tinyforge status --state ${state}'`);
    return;
  }
  output.out(`\n${workloadTable(Object.entries(ready.workloads), new Date())}\n`);
  output.out(tryThis(ready, { manifests, state }, at).join('\n'));
}

function tryThis(state: ControllerState, files: { manifests: string; state: string }, at: DemoEndpoints): string[] {
  const self = `node ${path.relative(process.cwd(), process.argv[1] ?? 'dist/main.js')}`;
  const status = `${self} status --state ${files.state}`;
  const victim = state.workloads['image/hello']?.containers[0]?.name ?? `${NAME_PREFIX}-hello-image-1-...`;
  const shop = state.workloads['project/shop']?.containers.find((c) => c.ports.length > 0);
  const page = at.routes
    ? `curl -H 'Host: shop.localhost' http://${at.routes.listen}/  (through Caddy)`
    : `curl http://127.0.0.1:${shop?.ports[0] ?? '...'}/`;
  return [
    'Ready. Three things to try, in another terminal:',
    '',
    `1. Roll out a new version: in ${files.manifests}/shop.yaml set  tag: "2"  and save.`,
    `   Watch it with  watch -n1 ${status}  : a green slot starts, turns healthy,`,
    `   takes over, and the blue one goes. The page says which answers: ${page}`,
    `2. Kill a container:  DOCKER_HOST=${at.dockerHost} docker kill ${victim}`,
    `   The controller starts it again within a second (${status} hello).`,
    `3. Break a file: in ${files.manifests}/hello.yaml set  replicas: two`,
    `   ${self} validate ${files.manifests}  names the line; the running containers keep their last good spec.`,
    '',
    `Health and metrics: http://${at.healthAddr}/healthz, /metrics. Stop with Ctrl-C.`,
  ];
}
