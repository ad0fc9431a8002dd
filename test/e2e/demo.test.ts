import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, getVia } from '../support/caddy.js';
import { eventually } from '../support/daemon-process.js';
import { BIN } from '../support/run-cli.js';

/** The command lines of the processes whose command line contains `text`, by pid. */
function processesWith(text: string): string[] {
  return fs
    .readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .flatMap((pid) => {
      try {
        const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return command.includes(text) ? [`process ${pid}: ${command}`] : [];
      } catch {
        return [];
      }
    });
}

/** Anything of the sandbox engine still on the machine: processes naming its folder, mounts under it, the folder. */
function leftovers(engineDir: string): string[] {
  const processes = processesWith(engineDir);
  const mounts = fs
    .readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .filter((line) => line.includes(engineDir));
  return [...processes, ...mounts, ...(fs.existsSync(engineDir) ? [`folder ${engineDir}`] : [])];
}

describe('tinyforge demo', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-demo-'));
  const engineDir = path.join(root, 'engine');
  const demoDir = path.join(root, 'demo');
  // Whatever happened in the test, the sandbox goes: `demo --down` removes a running demo or what a dead one left.
  afterEach(async () => {
    const down = spawn(process.execPath, [BIN, 'demo', '--down', '--dir', demoDir], {
      env: { ...process.env, TINYFORGE_DEMO_ENGINE_DIR: engineDir },
      stdio: 'ignore',
    });
    await new Promise((resolve) => down.on('exit', resolve));
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('runs the examples on a sandbox engine, rolls out a tag edit, and leaves nothing behind on Ctrl-C', {
    timeout: 300_000,
  }, async () => {
    const port = await freePort();
    const caddiesBefore = processesWith('caddy run');
    const demo = spawn(process.execPath, [BIN, 'demo', '--port', String(port), '--dir', demoDir], {
      cwd: root,
      env: { ...process.env, TINYFORGE_DEMO_ENGINE_DIR: engineDir },
      // A process group of its own, as a terminal gives it: Ctrl-C below goes to the whole group.
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    demo.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    demo.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => demo.on('exit', (code) => resolve(code)));
    const output = () => `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;

    await eventually('the guide', () => stdout.includes('Three things to try'), 180_000, 200).catch((error: Error) => {
      throw new Error(`${error.message}\n${output()}`);
    });
    expect(stdout).toMatch(/^hello +Image +Ready +2\/2 /m);
    expect(stdout).toMatch(/^shop +Project +Ready +1\/1 /m);
    expect(stdout).toMatch(/^backend +Stack +Ready +2\/2 /m);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    // A second demo while this one runs says where it runs, and starts nothing.
    const second = spawnSync(process.execPath, [BIN, 'demo', '--port', String(port), '--dir', demoDir], {
      env: { ...process.env, TINYFORGE_DEMO_ENGINE_DIR: engineDir },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(second.status).toBe(0);
    expect(second.stdout).toContain(`a demo already runs (pid ${demo.pid}): manifests in ${demoDir}/manifests`);

    const shop = path.join(demoDir, 'manifests/shop.yaml');
    fs.writeFileSync(shop, fs.readFileSync(shop, 'utf8').replace('tag: "1"', 'tag: "2"'));
    const state = () => JSON.parse(fs.readFileSync(path.join(demoDir, '.tinyforge/state.json'), 'utf8'));
    await eventually(
      'the rollout to tag 2',
      () => {
        const project = state().workloads['project/shop'];
        return (
          project?.rollouts?.production?.phase === 'Complete' &&
          project.rollouts.production.serving === 'green' &&
          project.phase === 'Ready'
        );
      },
      90_000,
      250,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output()}`);
    });
    const serving = state().workloads['project/shop'].containers;
    expect(serving).toEqual([expect.objectContaining({ slot: 'green', imageTag: '2', state: 'running' })]);
    const page = await (await fetch(`http://127.0.0.1:${serving[0].ports[0]}/`)).text();
    expect(page).toContain('image tag <b>2</b>, stage <b>production</b>, slot <b>green</b>');
    // The sandbox script installs caddy, so the demo routes shop.localhost through one of its own.
    const caddy = /curl -H 'Host: shop\.localhost' http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout);
    expect(caddy, output()).not.toBeNull();
    await eventually(
      'the route to the green slot',
      async () =>
        (await getVia(Number(caddy![1]), 'shop.localhost').catch(() => ({ body: '' }))).body.includes(
          'slot <b>green</b>',
        ),
      20_000,
      250,
    );

    // Ctrl-C in a terminal: SIGINT to the whole group, Caddy included, and a second one while it stops.
    process.kill(-demo.pid!, 'SIGINT');
    setTimeout(() => {
      if (demo.exitCode === null) process.kill(-demo.pid!, 'SIGINT');
    }, 300);
    expect(await exited, output()).toBe(0);
    expect(leftovers(engineDir)).toEqual([]);
    expect(processesWith('caddy run')).toEqual(caddiesBefore);
    expect(fs.existsSync(demoDir)).toBe(false);
  });
});
