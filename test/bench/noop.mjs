// Benchmark: the steady-state (no-op) pass, with 10, 100 and 1,000 workloads running on
// the real test engine. For each N:
// - the long-running controller's full resync passes, read from its /metrics: their time
//   and Docker calls, against the bare cost of one filtered list call;
// - a second `run --once` (a new process: cold code, the key and state read again): its
//   tick from the state file, and the whole process, taken in turn with
// - `docker-compose up -d` with nothing changed, on the same N containers (N <= 100):
//   the pairs' ratios (issue 13's target: at most 1/3 at N = 10 and 40);
// - the controller's resident memory: idle (6 s and more after a pass, once V8 has given
//   back what the pass grew), the most seen across passes, and the process's peak.
//   node test/bench/noop.mjs [--runs R] [N...]   (default 7 runs; 10 40 100 1000)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  dockerClient,
  engineHost,
  ensureCompose,
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
const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : 7);
const sizes = args.filter((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--runs').map(Number);
const RESYNC_S = 10;

async function measure(n, host, docker) {
  const dir = projectWith(n);
  const name = `noop${n}`;
  const first = await tinyforge(['run', '--once', '--name', name, '--concurrency', '8'], dir, host);
  if (first.code !== 0) throw new Error(first.stderr);

  const list = [];
  for (let r = 0; r < 21; r++) {
    const t = performance.now();
    await docker.listContainers({ all: true, filters: { label: ['tinyforge.managed=true'] } });
    list.push(performance.now() - t);
  }

  // In turn with compose's no-op on its own N containers, so that both see the same machine.
  const compose = n <= 100 ? composeProject(n, host) : undefined;
  const cold = [];
  const wall = [];
  const pairs = [];
  let onceDockerCalls = 0;
  for (let r = 0; r < runs; r++) {
    const again = await tinyforge(['run', '--once', '--name', name], dir, host);
    if (!again.stdout.includes('in sync')) throw new Error(`not a no-op: ${again.stdout}`);
    const { lastTick } = readState(dir).controller;
    if (lastTick.dockerCalls !== 1) throw new Error(`a no-op run --once made ${lastTick.dockerCalls} Docker calls`);
    cold.push(lastTick.durationMs);
    wall.push(again.ms);
    onceDockerCalls = Math.max(onceDockerCalls, lastTick.dockerCalls);
    const composeMs = compose?.up();
    if (composeMs !== undefined) pairs.push({ tinyforge: again.ms, compose: composeMs });
  }
  await compose?.remove(docker);

  // Enough resync passes for the statistics, each followed by an idle spell.
  const watched = await watchDaemon(
    dir,
    host,
    ['--name', name, '--resync', `${RESYNC_S}s`],
    (runs + 0.5) * RESYNC_S * 1000,
  );
  const idle = watched.rss.filter((s) => s.sinceLastPassMs >= 7000).map((s) => s.mb);
  const row = {
    workloads: n,
    dockerCalls: Math.max(...watched.passes.map((p) => p.dockerCalls)),
    pass: stats(watched.passes.map((p) => p.durationMs)),
    bareList: stats(list),
    coldTick: stats(cold),
    process: stats(wall),
    onceDockerCalls,
    compose: pairs.length > 0 ? stats(pairs.map((p) => p.compose)) : undefined,
    composeRatio: pairs.length > 0 ? stats(pairs.map((p) => p.tinyforge / p.compose)) : undefined,
    rss: {
      idleMb: idle.length > 0 ? stats(idle) : undefined,
      maxMb: Math.max(...watched.rss.map((s) => s.mb)),
      peakMb: watched.peakMb,
    },
  };
  await removeByLabel(docker, `tinyforge.controller=${name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  return row;
}

/**
 * A docker-compose project of N sleepers, brought up once (not timed); `up()` times one
 * more `up -d`, which finds nothing to change (undefined when it failed or stalled).
 */
function composeProject(n, host) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-bench-compose-'));
  const services = Array.from(
    { length: n },
    (_, i) =>
      `  s${i}:\n    image: tinyforge-test/busybox:1\n    command: ["sleep", "3600"]\n    network_mode: none\n    init: true\n`,
  ).join('');
  fs.writeFileSync(path.join(dir, 'docker-compose.yml'), `services:\n${services}`);
  // docker-compose 1.29 deadlocks in its nested parallel execution when its parallel limit is
  // reached (COMPOSE_PARALLEL_LIMIT): a limit above the service count avoids it. A run that
  // still stalls for two minutes is left out rather than holding up every other benchmark.
  let broken = false;
  const up = () => {
    if (broken) return undefined;
    const t = performance.now();
    const r = spawnSync('docker-compose', ['-p', `noop${n}`, 'up', '-d'], {
      cwd: dir,
      env: { ...process.env, DOCKER_HOST: host, COMPOSE_PARALLEL_LIMIT: '1000' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    broken = r.status !== 0;
    return broken ? undefined : performance.now() - t;
  };
  up();
  return {
    up,
    async remove(docker) {
      await removeByLabel(docker, `com.docker.compose.project=noop${n}`);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const rows = [];
const host = engineHost();
const docker = dockerClient(host);
ensureCompose();
for (const n of sizes.length > 0 ? sizes : [10, 40, 100, 1000]) {
  // 1,000 compose services would take minutes to create for one more row: left out.
  rows.push(await measure(n, host, docker));
}

const range = (s) => `${fmt(s.median)} [${fmt(s.min)}-${fmt(s.max)}]`;
console.log(
  table(
    `steady-state pass on the real engine (median [min-max] ms): the long-running controller's resync passes (${RESYNC_S}s apart) and a second run --once, against one bare list call`,
    [
      'workloads',
      'Docker calls',
      'controller pass',
      'bare list call',
      'pass/list',
      'run --once tick',
      'run --once tick/list',
      'whole run --once',
      'docker-compose up -d (no change)',
    ],
    rows.map((r) => [
      r.workloads,
      r.dockerCalls,
      range(r.pass),
      range(r.bareList),
      (r.pass.median / r.bareList.median).toFixed(2),
      range(r.coldTick),
      (r.coldTick.median / r.bareList.median).toFixed(2),
      fmt(r.process.median),
      r.compose ? fmt(r.compose.median) : '-',
    ]),
  ),
);
console.log('');
console.log(
  table(
    `no-op run --once against docker-compose's no-op up -d of the same N containers, whole processes taken in turn (median [min-max] ms of ${runs}; ratio per pair; target at most 0.33 at N = 10 and 40)`,
    ['workloads', 'run --once Docker calls', 'run --once', 'docker-compose up -d', 'run --once/compose'],
    rows.map((r) => [
      r.workloads,
      r.onceDockerCalls,
      range(r.process),
      r.compose ? range(r.compose) : '-',
      r.composeRatio
        ? `${r.composeRatio.median.toFixed(2)} [${r.composeRatio.min.toFixed(2)}-${r.composeRatio.max.toFixed(2)}]`
        : '-',
    ]),
  ),
);
console.log('');
console.log(
  table(
    'controller resident memory (MB): idle (7 s and more after a pass), the most seen across passes, and the process peak',
    ['workloads', 'idle', 'most across passes', 'peak (VmHWM)'],
    rows.map((r) => [
      r.workloads,
      r.rss.idleMb ? r.rss.idleMb.median.toFixed(0) : '-',
      r.rss.maxMb.toFixed(0),
      r.rss.peakMb.toFixed(0),
    ]),
  ),
);
writeResult('noop', { runs, resyncSeconds: RESYNC_S, rows });
