import { Ajv2020 } from 'ajv/dist/2020.js';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { BIN } from '../support/run-cli.js';
import { TEST_IMAGE, TEST_RUN_LABEL } from '../support/test-docker.js';

const stateSchema = JSON.parse(
  fs.readFileSync(path.resolve(import.meta.dirname, '../../schemas/state.schema.json'), 'utf8'),
);
const validateState = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(stateSchema);

describe('run --once keeps its guarantees against the real engine', () => {
  let project: E2eProject;
  afterEach(() => project.cleanup(`${TEST_RUN_LABEL}=${project.name}`));

  it('leaves forged containers alone and lists them in foreign (unknown workload, bad signature)', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web') });
    expect(project.runOnce().code).toBe(0);
    const real = (await project.containers())[0]!;
    const forge = async (name: string, labels: Record<string, string>) => {
      const c = await project.docker.createContainer({
        name: `${project.name}-${name}`,
        Image: TEST_IMAGE,
        Cmd: ['sleep', '3600'],
        Labels: { ...labels, [TEST_RUN_LABEL]: project.name },
        HostConfig: { NetworkMode: 'none', Init: true },
      });
      await c.start();
      return c.id;
    };
    const ghost = await forge('ghost', {
      ...real.Labels,
      'tinyforge.workload.id': 'image/ghost',
      'tinyforge.workload.name': 'ghost',
    });
    const impostor = await forge('impostor', { ...real.Labels, 'tinyforge.replica': '2' });
    const result = project.runOnce();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('in sync');
    const state = project.state();
    // Other tests' controllers share the engine: look at this test's forgeries only.
    const mine = state.foreign.filter((f) => f.containerId === ghost || f.containerId === impostor);
    expect(mine.map((f) => [f.containerId, f.workloadId, f.reason])).toEqual([
      [ghost, 'image/ghost', 'unknown workload'],
      [impostor, 'image/web', 'bad signature'],
    ]);
    expect(state.workloads['image/web']?.replicas).toEqual({ desired: 1, running: 1, updated: 1 });
    for (const id of [ghost, impostor])
      expect((await project.docker.getContainer(id).inspect()).State.Running).toBe(true);
    expect(validateState(state), JSON.stringify(validateState.errors)).toBe(true);
  });

  it('keeps running containers untouched when a manifest turns invalid, reporting file:line:col', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web', ['replicas: 2']) });
    expect(project.runOnce().code).toBe(0);
    const ids = (await project.containers()).map((c) => c.Id);
    project.write('web.yaml', sleeper('web', ['replicas: two']));
    const result = project.runOnce();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('manifests/web.yaml:12:13: spec.replicas must be an integer (got "two")');
    expect((await project.containers()).map((c) => c.Id)).toEqual(ids);
    const state = project.state();
    expect(state.invalid).toEqual([
      {
        file: 'manifests/web.yaml',
        line: 12,
        column: 13,
        path: '/spec/replicas',
        message: 'spec.replicas must be an integer (got "two")',
      },
    ]);
    expect(state.workloads['image/web']?.phase).toBe('Invalid');
    expect(validateState(state)).toBe(true);
  });

  it("keeps the last good spec of a manifest it may not read (chmod 000, as a user without root's override)", async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web', ['replicas: 2']) });
    expect(project.runOnce().code).toBe(0);
    const ids = (await project.containers()).map((c) => c.Id);
    // An edit that must wait: the file is unreadable now, while another manifest arrives.
    project.write('web.yaml', sleeper('web', ['replicas: 3']));
    fs.chmodSync(path.join(project.manifests, 'web.yaml'), 0o000);
    project.write('api.yaml', sleeper('api'));
    const result = runWithoutFileOverride(project, ['run', '--once']);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toContain('manifests/web.yaml:1:1: cannot open: permission denied');
    const web = (await project.containers()).filter((c) => c.Labels['tinyforge.workload.id'] === 'image/web');
    expect(web.map((c) => c.Id).sort()).toEqual([...ids].sort());
    const state = project.state();
    expect(state.workloads['image/web']?.phase).toBe('Invalid');
    expect(state.workloads['image/api']?.phase).toBe('Ready');
    expect(state.invalid).toMatchObject([{ file: 'manifests/web.yaml', line: 1, column: 1 }]);
    expect(validateState(state)).toBe(true);

    fs.chmodSync(path.join(project.manifests, 'web.yaml'), 0o644);
    expect(runWithoutFileOverride(project, ['run', '--once']).status).toBe(0);
    expect((await project.containers()).filter((c) => c.Labels['tinyforge.workload.id'] === 'image/web')).toHaveLength(
      3,
    );
  });

  it('prunes nothing when the manifest directory is emptied or removed, and everything with --allow-empty', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web') });
    expect(project.runOnce().code).toBe(0);
    project.remove('web.yaml');
    const empty = project.runOnce();
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('prune refused for image/web');
    expect(await project.names()).toHaveLength(1);
    fs.rmSync(project.manifests, { recursive: true });
    expect(project.runOnce().code).toBe(1);
    expect(await project.names()).toHaveLength(1);
    fs.mkdirSync(project.manifests);
    const allowed = project.runOnce(['--allow-empty']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(await project.names()).toEqual([]);
  });

  it('exits 3 when Docker is unreachable, leaving an intact state file with nothing marked missing', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web') });
    expect(project.runOnce().code).toBe(0);
    const before = project.state();
    const result = project.runOnce(['--docker-host', `unix://${path.join(project.dir, 'no-such.sock')}`]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('Docker is unreachable');
    const after = project.state();
    expect(after.controller.docker.reachable).toBe(false);
    expect(after.workloads).toEqual(before.workloads);
    expect(after.workloads['image/web']?.containers.map((c) => c.state)).toEqual(['running']);
    expect(validateState(after)).toBe(true);
  });

  it('reports a hung engine as unreachable within the call deadline instead of hanging', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web') });
    const socket = path.join(project.dir, 'hung.sock');
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s)).listen(socket);
    try {
      // The CLI runs in a child process: this process must stay free to accept.
      const child = spawn(
        process.execPath,
        [BIN, 'run', '--once', '--name', project.name, '--docker-host', `unix://${socket}`, '--docker-timeout', '1s'],
        { cwd: project.dir },
      );
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(3);
      expect(stderr).toContain('Docker did not answer within 1s (list containers)');
      expect(project.state().controller.docker).toEqual({
        reachable: false,
        lastError: 'Docker did not answer within 1s (list containers)',
        engineId: null,
      });
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });

  it('never writes env file values to the state file, plan output or run output', async () => {
    project = new E2eProject({
      'web.yaml': sleeper('web', ['envFiles: [web.env]', 'env: {VISIBLE: "yes"}']),
      'web.env': 'API_TOKEN=s3cr3t-value-1\n',
    });
    const first = project.runOnce();
    expect(first.code).toBe(0);
    project.write('web.env', 'API_TOKEN=s3cr3t-value-2\n');
    const plan = project.cli('plan');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toBe(
      [
        '~ recreate image/web#1: envFiles/web.env content changed',
        '    envFiles/web.env: (secret changed)',
        '',
        '0 to create, 1 to recreate, 0 to remove',
        '',
      ].join('\n'),
    );
    const second = project.runOnce();
    const everything = [
      first.stdout,
      first.stderr,
      plan.stdout,
      plan.stderr,
      second.stdout,
      second.stderr,
      fs.readFileSync(project.stateFile, 'utf8'),
    ].join('\n');
    expect(everything).not.toContain('s3cr3t');
    const container = (await project.containers())[0]!;
    expect((await project.docker.getContainer(container.Id).inspect()).Config.Env).toContain(
      'API_TOKEN=s3cr3t-value-2',
    );
    expect(Object.values(container.Labels).join(' ')).not.toContain('s3cr3t');
  });

  it('recovers from a corrupt state file without duplicate containers', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web', ['replicas: 2']) });
    expect(project.runOnce().code).toBe(0);
    const ids = (await project.containers()).map((c) => c.Id);
    fs.writeFileSync(project.stateFile, '{"apiVersion": "tinyforge.dev/v1", "workloads": {"ima');
    const result = project.runOnce();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/state file was corrupt: moved to .*state\.json\.corrupt-/);
    expect((await project.containers()).map((c) => c.Id)).toEqual(ids);
    const state = project.state();
    expect(state.workloads['image/web']).toMatchObject({
      phase: 'Ready',
      replicas: { desired: 2, running: 2, updated: 2 },
    });
    expect(state.events.some((e) => e.reason === 'StateRecovered')).toBe(true);
    expect(fs.readdirSync(path.dirname(project.stateFile)).filter((f) => f.includes('.corrupt-'))).toHaveLength(1);
  });

  it('refuses a second controller on the same state file, naming the holder; SIGTERM stops the first with exit 0', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web') });
    const daemon = spawn(process.execPath, [BIN, 'run', '--name', project.name, '--resync', '1s'], {
      cwd: project.dir,
      env: { ...process.env, DOCKER_HOST: project.host },
    });
    try {
      for (let i = 0; i < 100 && !fs.existsSync(project.stateFile); i++) await new Promise((r) => setTimeout(r, 100));
      const second = project.runOnce();
      expect(second.code).toBe(2);
      expect(second.stderr).toContain(`in use by another controller: pid ${daemon.pid}`);
    } finally {
      daemon.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => daemon.on('exit', resolve));
    expect(code).toBe(0);
    expect(validateState(project.state())).toBe(true);
    expect(fs.existsSync(`${project.stateFile}.lock`)).toBe(false);
  });
});

/**
 * Runs the CLI as root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (util-linux's
 * setpriv): file modes then apply to it as to any other user, so `chmod 000` denies the
 * read, while the engine's socket, owned by root, stays reachable.
 */
function runWithoutFileOverride(project: E2eProject, args: string[]) {
  const caps = '-dac_override,-dac_read_search';
  return spawnSync(
    'setpriv',
    [`--bounding-set=${caps}`, `--inh-caps=${caps}`, process.execPath, BIN, ...args, '--name', project.name],
    { cwd: project.dir, env: { ...process.env, DOCKER_HOST: project.host }, encoding: 'utf8', timeout: 60_000 },
  );
}
