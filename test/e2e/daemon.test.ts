import { Ajv2020 } from 'ajv/dist/2020.js';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonProcess, eventually, finishDaemonTest } from '../support/daemon-process.js';
import { E2eProject, sleeper } from '../support/e2e-project.js';

const stateSchema = JSON.parse(
  fs.readFileSync(path.resolve(import.meta.dirname, '../../schemas/state.schema.json'), 'utf8'),
);
const validateState = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(stateSchema);

describe('the long-running controller against the real engine', () => {
  let project: E2eProject;
  let daemon: DaemonProcess | undefined;
  afterEach(() => finishDaemonTest(daemon, project).finally(() => (daemon = undefined)));

  const running = async (fragment: string) =>
    (await project.containers()).filter((c) => c.Names[0]!.includes(fragment) && c.State === 'running');

  it('follows file changes: a new manifest, an env edit, an atomic save, a deletion', async () => {
    project = new E2eProject({ 'keep.yaml': sleeper('keep') });
    daemon = new DaemonProcess(project);
    await eventually('keep running', async () => (await running('-keep-')).length === 1);

    project.write('web.yaml', sleeper('web'));
    const created = await eventually('a new manifest running', async () => (await running('-web-')).length === 1);
    expect(created).toBeLessThan(10_000);

    const before = (await running('-web-'))[0]!.Id;
    project.write('web.yaml', sleeper('web', ['env: {LEVEL: "debug"}']));
    await eventually('the env edit recreated', async () => (await running('-web-')).some((c) => c.Id !== before));

    // An editor's atomic save: write a temp file, rename it over the manifest.
    const second = (await running('-web-'))[0]!.Id;
    const temp = path.join(project.manifests, '.web.yaml.swp');
    fs.writeFileSync(temp, sleeper('web', ['env: {LEVEL: "info"}']));
    fs.renameSync(temp, path.join(project.manifests, 'web.yaml'));
    await eventually('the atomic save recreated', async () => (await running('-web-')).some((c) => c.Id !== second));
    const d = daemon;
    await eventually('the recreate reported', () => d.stdout.includes('~ recreate image/web#1: env.LEVEL changed'));

    project.remove('web.yaml');
    await eventually('the deleted manifest pruned', async () =>
      (await project.containers()).every((c) => !c.Names[0]!.includes('-web-')),
    );
    expect((await running('-keep-')).length).toBe(1);
    expect(await daemon.stop()).toBe(0);
    expect(validateState(project.state()), JSON.stringify(validateState.errors)).toBe(true);
  });

  it('restarts a killed container before the resync interval, without waiting for it', async () => {
    // restart: "no", so that Docker's own restart policy cannot be what brings it back.
    project = new E2eProject({ 'web.yaml': sleeper('web', ['restart: "no"']) });
    daemon = new DaemonProcess(project);
    await eventually('web running', async () => (await running('-web-')).length === 1);
    const [container] = await running('-web-');
    const handle = project.docker.getContainer(container!.Id);
    const killedAt = Date.now();
    await handle.kill();
    // Docker lists a killed container as running for a few ms: look at when it started.
    const back = await eventually(
      'web running again',
      async () => {
        const { State } = await handle.inspect();
        return State.Running && Date.parse(State.StartedAt) > killedAt;
      },
      10_000,
      10,
    );
    expect(back).toBeLessThan(5_000);
    const d = daemon;
    await eventually('the start reported', () => d.stdout.includes('~ start image/web#1: container stopped (exited)'));
  });

  it('prunes nothing when the manifest directory disappears, says why, and picks up when it is back', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web') });
    daemon = new DaemonProcess(project);
    await eventually('web running', async () => (await running('-web-')).length === 1);
    const id = (await running('-web-'))[0]!.Id;
    fs.renameSync(project.manifests, `${project.manifests}.away`);
    const d = daemon;
    await eventually('the refusal reported', () => d.stderr.includes('PruneRefused'), 10_000);
    expect((await running('-web-')).map((c) => c.Id)).toEqual([id]);
    expect(project.state().events.at(-1)).toMatchObject({ type: 'Warning', reason: 'PruneRefused' });
    fs.renameSync(`${project.manifests}.away`, project.manifests);
    project.write('api.yaml', sleeper('api'));
    await eventually(
      'api running after the directory came back',
      async () => (await running('-api-')).length === 1,
      15_000,
    );
    expect((await running('-web-')).map((c) => c.Id)).toEqual([id]);
  });

  it('serves /healthz, /readyz and /metrics on --health-addr', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web') });
    const port = 20000 + Math.floor(Math.random() * 9000);
    daemon = new DaemonProcess(project, ['--health-addr', `127.0.0.1:${port}`, '--resync', '1s']);
    const get = async (route: string) =>
      (await fetch(`http://127.0.0.1:${port}${route}`).catch(() => undefined))?.status;
    await eventually('ready', async () => (await get('/readyz')) === 200, 15_000, 100);
    expect(await get('/healthz')).toBe(200);
    expect(await get('/nope')).toBe(404);

    // A resync after the container runs is a steady-state pass: one Docker call.
    const metrics = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const sample = (text: string, series: string) =>
      Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    await eventually(
      'two more full passes',
      async () => sample(await metrics(), 'tinyforge_reconcile_passes_total{scope="full"}') >= 3,
      15_000,
      100,
    );
    const text = await metrics();
    expect(sample(text, 'tinyforge_reconcile_last_docker_calls{scope="full"}')).toBe(1);
    expect(sample(text, 'tinyforge_reconcile_last_duration_seconds{scope="full"}')).toBeGreaterThan(0);
    expect(sample(text, 'tinyforge_workloads{phase="Ready"}')).toBe(1);
    expect(sample(text, 'tinyforge_docker_reachable')).toBe(1);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 2 ** 20);
    expect(text).toContain('# TYPE tinyforge_reconcile_passes_total counter');
  });

  it('exits 0 on SIGTERM with a valid state file and the lock released', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web') });
    daemon = new DaemonProcess(project);
    await eventually('web running', async () => (await running('-web-')).length === 1);
    expect(await daemon.stop()).toBe(0);
    expect(daemon.stderr).toContain('SIGTERM: finishing the reconcile in flight');
    const state = project.state();
    expect(validateState(state)).toBe(true);
    expect(state.controller).toMatchObject({ resyncSeconds: 60, watch: { mode: 'events', lastError: null } });
    expect(state.workloads['image/web']?.phase).toBe('Ready');
    expect(fs.existsSync(`${project.stateFile}.lock`)).toBe(false);
  });
});
