// Benchmark: converging N services on the two-node test Swarm (test/support/swarm.sh),
// side by side in one run: `tinyforge run --once --backend swarm` over N Image manifests,
// and `docker stack deploy -c FILE` of the equivalent compose file (part of the Docker
// CLI), alternating which goes first. Both are timed from the command's start until
// every service runs all its tasks (the stack deploy returns before that: the remaining
// wait is polled, as tinyforge's own settling does). Both on the host network (Swarm has
// no `none` network for services), the tasks only sleeping. Also the no-op `run --once` that
// follows: its wall time and Docker calls (the state's lastTick).
// Needs the cluster: TINYFORGE_TEST_SWARM_HOST, or one started here and removed at the end.
//   node test/bench/swarm-stack.mjs [--services N] [--replicas R] [--runs K]   (default 20, 1, 3)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, dockerClient, fmt, readState, sleeper, stats, table, tinyforge, writeResult } from './support.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => Number(args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const services = flag('--services', 20);
const replicas = flag('--replicas', 1);
const runs = flag('--runs', 3);
const SWARM = path.join(ROOT, 'test/support/swarm.sh');

const given = process.env.TINYFORGE_TEST_SWARM_HOST;
const host =
  given ?? execFileSync('bash', [SWARM, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
const docker = dockerClient(host);

/** Until every service with this label runs `replicas` tasks, all running; the time it took. */
async function allRunning(label, started) {
  for (;;) {
    const list = await docker.listServices({ filters: { label: [label] } });
    if (list.length === services) {
      const tasks = await docker.listTasks({
        filters: { service: list.map((s) => s.ID), 'desired-state': ['running'] },
      });
      if (tasks.filter((t) => t.Status?.State === 'running').length === services * replicas)
        return performance.now() - started;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function removeServices(label) {
  for (const s of await docker.listServices({ filters: { label: [label] } })) await docker.getService(s.ID).remove();
  // Their task containers go a moment later, on both nodes: wait, so the next run starts clean.
  for (;;) {
    const tasks = await docker.listTasks({ filters: { label: [label] } }).catch(() => []);
    if (tasks.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function tinyforgeRun(tag) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-bench-swarm-'));
  fs.mkdirSync(path.join(dir, 'manifests'));
  for (let i = 0; i < services; i++)
    fs.writeFileSync(
      path.join(dir, 'manifests', `s${i}.yaml`),
      sleeper(`s${i}`, [`replicas: ${replicas}`]).replace('network: none', 'network: host'),
    );
  const name = `stack${tag}`;
  const label = `tinyforge.controller=${name}`;
  const started = performance.now();
  const first = await tinyforge(['run', '--once', '--backend', 'swarm', '--name', name], dir, host);
  if (first.code !== 0) throw new Error(`tinyforge failed: ${first.stderr}`);
  const ms = await allRunning(label, started);
  const noop = await tinyforge(['run', '--once', '--backend', 'swarm', '--name', name], dir, host);
  if (noop.code !== 0 || /^[+~-] /m.test(noop.stdout)) throw new Error(`not a no-op: ${noop.stdout}`);
  const { lastTick } = readState(dir).controller;
  await removeServices(label);
  fs.rmSync(dir, { recursive: true, force: true });
  return { ms, noopMs: noop.ms, noopCalls: lastTick.dockerCalls };
}

async function stackDeploy(tag) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-bench-stack-'));
  const service = (i) =>
    `  s${i}:\n    image: tinyforge-test/busybox:1\n    command: ["sleep", "3600"]\n    init: true\n    networks: [hostnet]\n    deploy: {replicas: ${replicas}}\n`;
  const file = path.join(dir, 'stack.yml');
  fs.writeFileSync(
    file,
    `version: "3.8"\nservices:\n${Array.from({ length: services }, (_, i) => service(i)).join('')}networks:\n  hostnet: {external: true, name: host}\n`,
  );
  const stack = `stack${tag}`;
  const label = `com.docker.stack.namespace=${stack}`;
  const started = performance.now();
  execFileSync('docker', ['stack', 'deploy', '--detach=true', '-c', file, stack], {
    env: { ...process.env, DOCKER_HOST: host },
    stdio: 'ignore',
  });
  const ms = await allRunning(label, started);
  await removeServices(label);
  fs.rmSync(dir, { recursive: true, force: true });
  return { ms };
}

const samples = { tinyforge: [], stack: [], noopMs: [], noopCalls: [] };
try {
  for (let r = 0; r < runs; r++) {
    const order = r % 2 === 0 ? ['tinyforge', 'stack'] : ['stack', 'tinyforge'];
    for (const which of order) {
      const tag = `${process.pid}x${r}`;
      if (which === 'stack') samples.stack.push((await stackDeploy(tag)).ms);
      else {
        const t = await tinyforgeRun(tag);
        samples.tinyforge.push(t.ms);
        samples.noopMs.push(t.noopMs);
        samples.noopCalls.push(t.noopCalls);
      }
    }
  }
} finally {
  if (!given) execFileSync('bash', [SWARM, 'remove'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
const t = stats(samples.tinyforge);
const s = stats(samples.stack);
const n = stats(samples.noopMs);
const cell = (x) => `${fmt(x.median)} [${fmt(x.min)}-${fmt(x.max)}]`;
console.log(
  table(
    `swarm: ${services} services x ${replicas} task(s) on the two-node test cluster, until all run (median [min-max] ms of ${runs}, alternating; process start included)`,
    [
      'services',
      'tinyforge run --once --backend swarm',
      'docker stack deploy',
      'tinyforge/stack',
      'no-op run --once',
      'no-op Docker calls',
    ],
    [[services, cell(t), cell(s), (t.median / s.median).toFixed(2), cell(n), Math.max(...samples.noopCalls)]],
  ),
);
writeResult('swarm-stack', { services, replicas, runs, tinyforge: t, stack: s, noop: n, noopCalls: samples.noopCalls });
