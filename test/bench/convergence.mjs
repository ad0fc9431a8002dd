// Benchmark: convergence from an empty host to N running containers (busybox sleep,
// network none), side by side: `tinyforge run --once`, the raw-API ceiling (dockerode
// creating and starting the same containers at the best concurrency found here), and
// `docker-compose up -d` (Debian's docker-compose, installed when missing).
//   node test/bench/convergence.mjs [N...] [--runs R]   (default 10 50 200, 3 runs)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  dockerClient,
  engineHost,
  ensureCompose,
  fmt,
  projectWith,
  removeByLabel,
  stats,
  table,
  tinyforge,
  writeResult,
} from './support.mjs';

const args = process.argv.slice(2);
const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : 3);
const sizes = args.filter((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--runs').map(Number);
const host = engineHost();
const docker = dockerClient(host);

async function raw(n, concurrency, tag) {
  const started = performance.now();
  let index = 0;
  const worker = async () => {
    while (index < n) {
      const i = index++;
      const c = await docker.createContainer({
        name: `raw-${tag}-${i}`,
        Image: 'tinyforge-test/busybox:1',
        Cmd: ['sleep', '3600'],
        Labels: { 'tinyforge-bench.raw': tag },
        HostConfig: { NetworkMode: 'none', Init: true },
      });
      await c.start();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - started;
  await removeByLabel(docker, `tinyforge-bench.raw=${tag}`);
  return ms;
}

function composeRun(n, tag) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-bench-compose-'));
  const services = Array.from(
    { length: n },
    (_, i) =>
      `  s${i}:\n    image: tinyforge-test/busybox:1\n    command: ["sleep", "3600"]\n    network_mode: none\n    init: true\n`,
  ).join('');
  fs.writeFileSync(path.join(dir, 'docker-compose.yml'), `services:\n${services}`);
  const started = performance.now();
  // docker-compose 1.29 deadlocks in its nested parallel execution when its parallel limit is
  // reached (COMPOSE_PARALLEL_LIMIT, default 64): a limit above the service count avoids it.
  // A run that still stalls is left out, and counted.
  const r = spawnSync('docker-compose', ['-p', `bench${tag}`, 'up', '-d'], {
    cwd: dir,
    env: { ...process.env, DOCKER_HOST: host, COMPOSE_PARALLEL_LIMIT: '1000' },
    encoding: 'utf8',
    timeout: 300_000,
  });
  const ms = performance.now() - started;
  return { ms: r.status === 0 ? ms : undefined, dir, project: `bench${tag}` };
}

async function tinyforgeRun(n, tag, concurrency) {
  const dir = projectWith(n);
  const name = `conv${tag}`;
  const r = await tinyforge(['run', '--once', '--name', name, '--concurrency', String(concurrency)], dir, host);
  if (r.code !== 0) throw new Error(`tinyforge failed: ${r.stderr}`);
  const running = (
    await docker.listContainers({ filters: { label: [`tinyforge.controller=${name}`], status: ['running'] } })
  ).length;
  if (running !== n) throw new Error(`tinyforge: ${running}/${n} running`);
  await removeByLabel(docker, `tinyforge.controller=${name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  return r.ms;
}

ensureCompose();
// The raw ceiling at its best concurrency on this machine.
let best = { concurrency: 4, ms: Infinity };
for (const concurrency of [2, 4, 8, 16]) {
  const ms = await raw(40, concurrency, `cal${concurrency}`);
  if (ms < best.ms) best = { concurrency, ms };
}
const rows = [];
let composeStalls = 0;
for (const n of sizes.length ? sizes : [10, 50, 200]) {
  const samples = { tinyforge: [], raw: [], compose: [] };
  for (let r = 0; r < runs; r++) {
    const tag = `${n}x${r}`;
    samples.raw.push(await raw(n, best.concurrency, tag));
    samples.tinyforge.push(await tinyforgeRun(n, tag, best.concurrency));
    const compose = composeRun(n, tag);
    if (compose.ms !== undefined) samples.compose.push(compose.ms);
    else composeStalls++;
    await removeByLabel(docker, `com.docker.compose.project=${compose.project}`);
    fs.rmSync(compose.dir, { recursive: true, force: true });
  }
  const t = stats(samples.tinyforge);
  const w = stats(samples.raw);
  const c = samples.compose.length > 0 ? stats(samples.compose) : undefined;
  rows.push({
    n,
    tinyforge: t,
    raw: w,
    compose: c,
    tinyforgeOverRaw: t.median / w.median,
    tinyforgeOverCompose: c ? t.median / c.median : undefined,
  });
}
console.log(
  table(
    `convergence: empty host -> N containers running (median [min-max] ms of ${runs}; raw at concurrency ${best.concurrency}, tinyforge --concurrency ${best.concurrency}; process start included for tinyforge and docker-compose)`,
    ['N', 'tinyforge run --once', 'raw dockerode', 'docker-compose up -d', 'tinyforge/raw', 'tinyforge/compose'],
    rows.map((r) => [
      r.n,
      `${fmt(r.tinyforge.median)} [${fmt(r.tinyforge.min)}-${fmt(r.tinyforge.max)}]`,
      `${fmt(r.raw.median)} [${fmt(r.raw.min)}-${fmt(r.raw.max)}]`,
      r.compose ? `${fmt(r.compose.median)} [${fmt(r.compose.min)}-${fmt(r.compose.max)}]` : 'stalled',
      r.tinyforgeOverRaw.toFixed(2),
      r.tinyforgeOverCompose?.toFixed(2) ?? '-',
    ]),
  ),
);
if (composeStalls > 0)
  console.log(`docker-compose stalled (no progress for 5 min) in ${composeStalls} run(s), left out of its figures`);
writeResult('convergence', { runs, rawConcurrency: best.concurrency, composeStalls, rows });
