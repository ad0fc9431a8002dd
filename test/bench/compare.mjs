// Benchmark: two builds of tinyforge side by side on the real test engine, in one run,
// alternating the builds run after run (the order swapped every run) so that the drift of
// the machine and of the engine falls on both alike. Each checkout must be built
// (npm ci && npm run build). Measured:
// - the long-running controller's no-op full pass at 1,000 workloads (its /metrics, as
//   noop.mjs reads them): both builds on the very same 1,000 running containers, one
//   controller at a time (never two at once), with one controller name and one controller
//   key, each build with its own state file. The containers' ids and states are checked
//   after every controller: a pass that replaced or stopped one is not a no-op and stops
//   the benchmark;
// - `run --once` over 50 workloads, whole process: the first pass (empty host -> 50
//   running), then no-op `run --once`s (3; none may change a container); each build under its own controller name,
//   its containers removed (by that name's label only) and its state folder deleted
//   between runs.
// Prints a markdown table (median [min-max] per build, after/before ratio of the medians)
// and writes test/bench/results/compare.json.
//   node test/bench/compare.mjs --before DIR --after DIR [--runs R] [--workloads N]
//     [--passes P] [--once-workloads M] [--noop-repeats K]   (default 5 runs, 1000
//     workloads, 5 passes a controller, 50 workloads for run --once, 3 no-op run --once
//     after each first pass)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  binOf,
  dockerClient,
  engineHost,
  fmt,
  projectWith,
  readState,
  removeByLabel,
  stats,
  table,
  tinyforge,
  watchDaemon,
  writeResult,
} from './support.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const trees = { before: flag('--before'), after: flag('--after', '.') };
if (!trees.before) {
  console.error('usage: node test/bench/compare.mjs --before DIR --after DIR [--runs R]');
  process.exit(2);
}
const runs = Number(flag('--runs', 5));
const bigN = Number(flag('--workloads', 1000));
const passesPerRun = Number(flag('--passes', 5));
const onceN = Number(flag('--once-workloads', 50));
const noopRepeats = Number(flag('--noop-repeats', 3));
const RESYNC = '2s';
const BUILDS = ['before', 'after'];
const bins = { before: binOf(trees.before), after: binOf(trees.after) };
const host = engineHost();
const docker = dockerClient(host);
const tag = `${process.pid}`;

/** The builds in the order of run `r`: before first on even runs, after first on odd ones. */
const orderOf = (r) => (r % 2 === 0 ? BUILDS : [...BUILDS].reverse());

function describe(tree) {
  const git = (...a) => execFileSync('git', ['-C', tree, ...a], { encoding: 'utf8' }).trim();
  try {
    return { tree: path.resolve(tree), commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain') !== '' };
  } catch {
    return { tree: path.resolve(tree) };
  }
}

/** The containers of controller `name`: id and state, in one string to compare. */
async function fingerprint(name) {
  const list = await docker.listContainers({ all: true, filters: { label: [`tinyforge.controller=${name}`] } });
  return {
    count: list.length,
    running: list.filter((c) => c.State === 'running').length,
    key: list
      .map((c) => `${c.Id}:${c.State}`)
      .sort()
      .join(','),
  };
}

const samples = {};
const add = (metric, build, value) => {
  samples[metric] ??= { before: [], after: [] };
  if (Number.isFinite(value)) samples[metric][build].push(value);
};

// --- run --once over onceN workloads, empty host -> running, then a no-op second run ---
async function onceRun(build) {
  const name = `cmp${onceN}${build[0]}-${tag}`;
  const dir = projectWith(onceN);
  try {
    const first = await tinyforge(['run', '--once', '--name', name], dir, host, { bin: bins[build] });
    if (first.code !== 0) throw new Error(`${build}: first run --once exited ${first.code}: ${first.stderr}`);
    const made = await fingerprint(name);
    if (made.running !== onceN) throw new Error(`${build}: ${made.running} of ${onceN} containers running`);
    add(`run --once, ${onceN} workloads, first pass: whole process`, build, first.ms);
    add(`run --once, ${onceN} workloads, first pass: process CPU`, build, first.cpuMs);
    add(`run --once, ${onceN} workloads, first pass: tick`, build, readState(dir).controller.lastTick?.durationMs);

    for (let i = 0; i < noopRepeats; i++) {
      const again = await tinyforge(['run', '--once', '--name', name], dir, host, { bin: bins[build] });
      if (again.code !== 0) throw new Error(`${build}: a no-op run --once exited ${again.code}: ${again.stderr}`);
      if ((await fingerprint(name)).key !== made.key)
        throw new Error(`${build}: a no-op run --once changed containers`);
      const tick = readState(dir).controller.lastTick;
      add(`run --once, ${onceN} workloads, no-op: whole process`, build, again.ms);
      add(`run --once, ${onceN} workloads, no-op: process CPU`, build, again.cpuMs);
      add(`run --once, ${onceN} workloads, no-op: tick`, build, tick?.durationMs);
      add(`run --once, ${onceN} workloads, no-op: Docker calls`, build, tick?.dockerCalls);
    }
  } finally {
    await removeByLabel(docker, `tinyforge.controller=${name}`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// --- the long-running controller's no-op pass at bigN workloads, on shared containers ---
const bigName = `cmp${bigN}-${tag}`;
const stateOf = (dir, build) => path.join(dir, `.${build}`, 'state.json');

async function setupBig(dir) {
  let t = performance.now();
  const made = await tinyforge(
    ['run', '--once', '--name', bigName, '--state', stateOf(dir, 'before'), '--concurrency', '8'],
    dir,
    host,
    { bin: bins.before },
  );
  if (made.code !== 0) throw new Error(`before: creating ${bigN} workloads exited ${made.code}: ${made.stderr}`);
  console.error(`compare: ${bigN} workloads created in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  const print = await fingerprint(bigName);
  if (print.running !== bigN) throw new Error(`${print.running} of ${bigN} containers running`);
  // One key for both builds: each one's state file beside a copy of it.
  fs.mkdirSync(path.dirname(stateOf(dir, 'after')), { recursive: true });
  fs.copyFileSync(
    path.join(path.dirname(stateOf(dir, 'before')), 'controller.key'),
    path.join(path.dirname(stateOf(dir, 'after')), 'controller.key'),
  );
  // The after build's first look at them must change nothing, or there is nothing to compare.
  t = performance.now();
  const adopt = await tinyforge(['run', '--once', '--name', bigName, '--state', stateOf(dir, 'after')], dir, host, {
    bin: bins.after,
  });
  if (adopt.code !== 0) throw new Error(`after: run --once on the before build's containers exited ${adopt.code}`);
  if ((await fingerprint(bigName)).key !== print.key)
    throw new Error(`the after build changed the before build's containers: the builds disagree on the desired state`);
  console.error(`compare: the after build found them in sync in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return print.key;
}

async function daemonRun(dir, build, expected) {
  const watched = await watchDaemon(
    dir,
    host,
    ['--name', bigName, '--state', stateOf(dir, build), '--resync', RESYNC],
    (passesPerRun + 3) * 2000 + 60_000,
    { bin: bins[build], passes: passesPerRun },
  );
  if ((await fingerprint(bigName)).key !== expected)
    throw new Error(`${build}: the controller replaced or stopped containers: not a no-op`);
  if (watched.passes.length === 0) throw new Error(`${build}: no full pass seen`);
  for (const p of watched.passes) {
    add(`controller no-op full pass, ${bigN} workloads`, build, p.durationMs);
    add(`controller no-op full pass, ${bigN} workloads: CPU`, build, p.cpuMs);
    add(`controller no-op full pass, ${bigN} workloads: Docker calls`, build, p.dockerCalls);
  }
  add(`controller peak RSS, ${bigN} workloads (MB)`, build, watched.peakMb);
}

const started = performance.now();
const info = { before: describe(trees.before), after: describe(trees.after) };
console.error(
  `compare: before ${info.before.commit ?? info.before.tree}, after ${info.after.commit ?? info.after.tree}`,
);
for (let r = 0; r < runs; r++) for (const build of orderOf(r)) await onceRun(build);
console.error(`compare: run --once done in ${((performance.now() - started) / 1000).toFixed(0)} s`);

const bigDir = projectWith(bigN);
try {
  const expected = await setupBig(bigDir);
  for (let r = 0; r < runs; r++) for (const build of orderOf(r)) await daemonRun(bigDir, build, expected);
} finally {
  const t = performance.now();
  await removeByLabel(docker, `tinyforge.controller=${bigName}`);
  fs.rmSync(bigDir, { recursive: true, force: true });
  console.error(`compare: ${bigN} workloads removed in ${((performance.now() - t) / 1000).toFixed(0)} s`);
}
const seconds = (performance.now() - started) / 1000;

const unit = (metric) => (/Docker calls|MB/.test(metric) ? '' : ' (ms)');
const num = (v) => (Number.isInteger(v) ? String(v) : fmt(v));
const range = (s) => (s ? `${num(s.median)} [${num(s.min)}-${num(s.max)}]` : '-');
const rows = Object.entries(samples).map(([metric, by]) => {
  const before = by.before.length > 0 ? stats(by.before) : undefined;
  const after = by.after.length > 0 ? stats(by.after) : undefined;
  return { metric, before, after, ratio: before && after && before.median > 0 ? after.median / before.median : null };
});
console.log(
  table(
    `before vs after, alternating, ${runs} runs (${passesPerRun} controller passes ${RESYNC} apart and ${noopRepeats} no-op run --once a run): median [min-max]; ratio of the medians`,
    ['metric', 'before', 'after', 'after/before'],
    rows.map((row) => [
      `${row.metric}${unit(row.metric)}`,
      range(row.before),
      range(row.after),
      row.ratio === null ? '-' : row.ratio.toFixed(2),
    ]),
  ),
);
const load = os.loadavg().map((l) => l.toFixed(1));
console.log(
  `\n${(seconds / 60).toFixed(1)} min; before ${info.before.tree}, after ${info.after.tree}; load average at the end ${load.join(' ')} on ${os.cpus().length} cores`,
);
writeResult('compare', {
  runs,
  workloads: bigN,
  onceWorkloads: onceN,
  passesPerRun,
  noopRepeats,
  resync: RESYNC,
  seconds,
  loadAverage: os.loadavg(),
  builds: info,
  rows,
  samples,
});
