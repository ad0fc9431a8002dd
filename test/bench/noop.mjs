// Benchmark: the steady-state (no-op) pass. With N workloads running, a second
// `run --once` changes nothing: its tick's time and Docker calls (from the state file)
// against the bare cost of one filtered list call, and `docker-compose up -d` with
// nothing changed. 10 and 100 on the real engine; 1,000 on the simulated engine
// (test/bench/stub-engine.mjs), beyond what this machine runs.
//   node test/bench/noop.mjs [--runs R]   (default 7)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Docker from 'dockerode';
import { startStubEngine } from './stub-engine.mjs';
import { dockerClient, engineHost, fmt, projectWith, readState, removeByLabel, stats, table, tinyforge, writeResult } from './support.mjs';

const args = process.argv.slice(2);
const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : 7);

async function measure(n, host, docker) {
  const dir = projectWith(n);
  const name = `noop${n}`;
  const first = await tinyforge(['run', '--once', '--name', name, '--concurrency', '8'], dir, host);
  if (first.code !== 0) throw new Error(first.stderr);
  const tick = [];
  const wall = [];
  let calls = 0;
  for (let r = 0; r < runs; r++) {
    const again = await tinyforge(['run', '--once', '--name', name], dir, host);
    if (!again.stdout.includes('in sync')) throw new Error(`not a no-op: ${again.stdout}`);
    const state = readState(dir);
    tick.push(state.controller.lastTick.durationMs);
    calls = state.controller.lastTick.dockerCalls;
    wall.push(again.ms);
  }
  const list = [];
  for (let r = 0; r < 21; r++) {
    const t = performance.now();
    await docker.listContainers({ all: true, filters: { label: ['tinyforge.managed=true'] } });
    list.push(performance.now() - t);
  }
  return { dir, name, row: { workloads: n, dockerCalls: calls, tick: stats(tick), process: stats(wall), bareList: stats(list) } };
}

async function composeNoop(n, host, docker) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-bench-compose-'));
  const services = Array.from({ length: n }, (_, i) => `  s${i}:\n    image: tinyforge-test/busybox:1\n    command: ["sleep", "3600"]\n    network_mode: none\n    init: true\n`).join('');
  fs.writeFileSync(path.join(dir, 'docker-compose.yml'), `services:\n${services}`);
  // docker-compose 1.29 deadlocks in its nested parallel execution when its parallel limit is
  // reached (COMPOSE_PARALLEL_LIMIT): a limit above the service count avoids it. A run that
  // still stalls for two minutes is left out rather than holding up every other benchmark.
  const run = () => {
    const t = performance.now();
    const r = spawnSync('docker-compose', ['-p', `noop${n}`, 'up', '-d'], { cwd: dir, env: { ...process.env, DOCKER_HOST: host, COMPOSE_PARALLEL_LIMIT: '1000' }, encoding: 'utf8', timeout: 120_000 });
    return r.status === 0 ? performance.now() - t : undefined;
  };
  const samples = [];
  if (run() !== undefined) {
    for (let r = 0; r < Math.min(runs, 5); r++) {
      const ms = run();
      if (ms === undefined) break;
      samples.push(ms);
    }
  }
  await removeByLabel(docker, `com.docker.compose.project=noop${n}`);
  fs.rmSync(dir, { recursive: true, force: true });
  return samples.length > 0 ? stats(samples) : undefined;
}

const rows = [];
const host = engineHost();
const docker = dockerClient(host);
for (const n of [10, 100]) {
  const { dir, name, row } = await measure(n, host, docker);
  await removeByLabel(docker, `tinyforge.controller=${name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  // Side by side, one at a time: compose's containers only once tinyforge's are gone.
  rows.push({ ...row, engine: 'real', compose: await composeNoop(n, host, docker) });
}
const stub = await startStubEngine();
const stubDocker = new Docker({ socketPath: stub.host.replace('unix://', '') });
const { dir, row } = await measure(1000, stub.host, stubDocker);
rows.push({ ...row, engine: 'simulated' });
fs.rmSync(dir, { recursive: true, force: true });
await stub.close();

console.log(
  table(
    `steady-state pass (median [min-max] ms of ${runs}): the tick of a second run --once, its Docker calls, and one bare list call`,
    ['workloads', 'engine', 'Docker calls', 'tick', 'bare list call', 'tick/list', 'whole process', 'docker-compose up -d (no change)'],
    rows.map((r) => [r.workloads, r.engine, r.dockerCalls, `${fmt(r.tick.median)} [${fmt(r.tick.min)}-${fmt(r.tick.max)}]`, fmt(r.bareList.median), (r.tick.median / r.bareList.median).toFixed(1), fmt(r.process.median), r.compose ? fmt(r.compose.median) : '-']),
  ),
);
writeResult('noop', { runs, rows });
