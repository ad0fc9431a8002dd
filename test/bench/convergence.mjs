// Benchmark: the first pass, from an empty host to N running containers (busybox sleep,
// network none), side by side in one run: `tinyforge run --once` at its default
// --concurrency (as users run it), the raw-API ceiling (dockerode creating and starting the
// same containers at the best concurrency found here), and `docker-compose up -d` (Debian's
// docker-compose, installed when missing). Each run takes the three in turn, in an order
// that rotates from run to run, and the ratios are taken run by run (the machine's and the
// engine's drift then falls on all three alike). Issue 13's targets: tinyforge/compose
// under 1 at every N, tinyforge/raw at most 1.10 at N >= 40.
//   node test/bench/convergence.mjs [N...] [--runs R] [--concurrency C] [--before DIR]
//   (default 10 40 200, 3 runs; --concurrency: tinyforge's, default its own; --before: a
//   second build of tinyforge, DIR a built checkout, timed in the same runs)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  binOf,
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
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Number(option('--runs') ?? 3);
const concurrency = option('--concurrency');
const before = option('--before');
const sizes = args.filter((a, i) => /^\d+$/.test(a) && !args[i - 1]?.startsWith('--')).map(Number);
const host = engineHost();
const docker = dockerClient(host);

async function raw(n, rawConcurrency, tag) {
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
  await Promise.all(Array.from({ length: rawConcurrency }, worker));
  const ms = performance.now() - started;
  await removeByLabel(docker, `tinyforge-bench.raw=${tag}`);
  return ms;
}

/** docker-compose's time, or undefined when it stalled (left out of its figures, and counted). */
async function composeRun(n, tag) {
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
  const r = spawnSync('docker-compose', ['-p', `bench${tag}`, 'up', '-d'], {
    cwd: dir,
    env: { ...process.env, DOCKER_HOST: host, COMPOSE_PARALLEL_LIMIT: '1000' },
    encoding: 'utf8',
    timeout: 300_000,
  });
  const ms = performance.now() - started;
  await removeByLabel(docker, `com.docker.compose.project=bench${tag}`);
  fs.rmSync(dir, { recursive: true, force: true });
  return r.status === 0 ? ms : undefined;
}

async function tinyforgeRun(n, tag, bin) {
  const dir = projectWith(n);
  const name = `conv${tag}`;
  const flags = concurrency ? ['--concurrency', concurrency] : [];
  const r = await tinyforge(['run', '--once', '--name', name, ...flags], dir, host, { bin });
  if (r.code !== 0) throw new Error(`tinyforge failed: ${r.stderr}`);
  const running = (
    await docker.listContainers({ filters: { label: [`tinyforge.controller=${name}`], status: ['running'] } })
  ).length;
  if (running !== n) throw new Error(`tinyforge: ${running}/${n} running`);
  await removeByLabel(docker, `tinyforge.controller=${name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  return r.ms;
}

/** The raw ceiling's concurrency: the fastest of a few at 40 containers. */
async function bestRawConcurrency() {
  let best = { concurrency: 4, ms: Number.POSITIVE_INFINITY };
  for (const c of [2, 4, 8, 16]) {
    const ms = await raw(40, c, `cal${c}`);
    if (ms < best.ms) best = { concurrency: c, ms };
  }
  return best.concurrency;
}

ensureCompose();
const rawConcurrency = await bestRawConcurrency();
const contenders = {
  tinyforge: (n, tag) => tinyforgeRun(n, tag, undefined),
  ...(before ? { before: (n, tag) => tinyforgeRun(n, `b${tag}`, binOf(before)) } : {}),
  raw: (n, tag) => raw(n, rawConcurrency, tag),
  compose: composeRun,
};
const names = Object.keys(contenders);
const rows = [];
let composeStalls = 0;
for (const n of sizes.length ? sizes : [10, 40, 200]) {
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let r = 0; r < runs; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]);
    for (const name of order) samples[name][r] = await contenders[name](n, `${n}x${r}`);
    if (samples.compose[r] === undefined) composeStalls++;
  }
  rows.push(summary(n, samples));
}

/** Medians and ranges, and the ratios run by run (a run whose compose stalled has no compose ratio). */
function summary(n, samples) {
  const ratio = (a, b) => {
    const each = samples[a].map((ms, r) => ms / samples[b][r]).filter((x) => Number.isFinite(x));
    return each.length > 0 ? stats(each) : undefined;
  };
  const of = (name) => {
    const present = samples[name].filter((ms) => ms !== undefined);
    return present.length > 0 ? stats(present) : undefined;
  };
  return {
    n,
    ...Object.fromEntries(names.map((name) => [name, of(name)])),
    samples,
    tinyforgeOverRaw: ratio('tinyforge', 'raw'),
    tinyforgeOverCompose: ratio('tinyforge', 'compose'),
    ...(before
      ? {
          beforeOverRaw: ratio('before', 'raw'),
          beforeOverCompose: ratio('before', 'compose'),
          afterOverBefore: ratio('tinyforge', 'before'),
        }
      : {}),
  };
}

const ms = (s) => (s ? `${fmt(s.median)} [${fmt(s.min)}-${fmt(s.max)}]` : 'stalled');
const ratio = (s) => (s ? `${s.median.toFixed(2)} [${s.min.toFixed(2)}-${s.max.toFixed(2)}]` : '-');
const flag = concurrency ? `--concurrency ${concurrency}` : 'its default --concurrency';
console.log(
  table(
    `first pass: empty host -> N containers running (median [min-max] ms of ${runs} runs; ratios run by run, median [min-max]; raw at concurrency ${rawConcurrency}, tinyforge at ${flag}; process start included for tinyforge and docker-compose)`,
    ['N', 'tinyforge run --once', 'raw dockerode', 'docker-compose up -d', 'tinyforge/raw', 'tinyforge/compose'],
    rows.map((r) => [
      r.n,
      ms(r.tinyforge),
      ms(r.raw),
      ms(r.compose),
      ratio(r.tinyforgeOverRaw),
      ratio(r.tinyforgeOverCompose),
    ]),
  ),
);
if (before)
  console.log(
    table(
      `\nthe same runs, the build of ${before} (before)`,
      ['N', 'before', 'before/raw', 'before/compose', 'after/before'],
      rows.map((r) => [
        r.n,
        ms(r.before),
        ratio(r.beforeOverRaw),
        ratio(r.beforeOverCompose),
        ratio(r.afterOverBefore),
      ]),
    ),
  );
if (composeStalls > 0)
  console.log(`docker-compose stalled (no progress for 5 min) in ${composeStalls} run(s), left out of its figures`);
writeResult('convergence', {
  runs,
  rawConcurrency,
  concurrency: concurrency ?? 'default',
  before,
  composeStalls,
  rows,
});
