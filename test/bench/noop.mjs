// Benchmark: the steady-state (no-op) pass of `run --once` over N workloads on the real
// test engine: the tick's own time and Docker calls (from the state file), and the
// whole process. Needs the engine: DOCKER_HOST or test/support/engine.sh start.
//   node test/bench/noop.mjs [N...]   (default 10 50)
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'dist/main.js');
const host = process.env.DOCKER_HOST ?? execFileSync('bash', [path.join(root, 'test/support/engine.sh'), 'host'], { encoding: 'utf8' }).trim();
const docker = new Docker({ socketPath: host.replace('unix://', '') });
const runs = 7;

const manifest = (i) => `apiVersion: tinyforge.dev/v1
kind: Image
metadata: {name: app-${i}}
spec:
  image: tinyforge-test/busybox:1
  pullPolicy: Never
  command: [sleep, "3600"]
  network: none
  init: true
`;

async function measure(n) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-bench-'));
  const name = `bench-${process.pid}`;
  fs.mkdirSync(path.join(dir, 'manifests'));
  for (let i = 0; i < n; i++) fs.writeFileSync(path.join(dir, 'manifests', `app-${i}.yaml`), manifest(i));
  const run = () => spawnSync(process.execPath, [bin, 'run', '--once', '--name', name], { cwd: dir, env: { ...process.env, DOCKER_HOST: host }, encoding: 'utf8' });
  const first = run();
  if (first.status !== 0) throw new Error(first.stderr);
  const ticks = [];
  const wall = [];
  let calls = 0;
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    const result = run();
    wall.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (!result.stdout.includes('in sync')) throw new Error(`not a no-op: ${result.stdout}`);
    const state = JSON.parse(fs.readFileSync(path.join(dir, '.tinyforge/state.json'), 'utf8'));
    ticks.push(state.controller.lastTick.durationMs);
    calls = state.controller.lastTick.dockerCalls;
  }
  for (const c of await docker.listContainers({ all: true, filters: { label: [`tinyforge.controller=${name}`] } })) {
    await docker.getContainer(c.Id).remove({ force: true });
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return { workloads: n, dockerCalls: calls, tickMedianMs: med(ticks), tickMinMs: Math.min(...ticks), tickMaxMs: Math.max(...ticks), processMedianMs: med(wall) };
}

const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const rows = [];
for (const n of sizes.length ? sizes : [10, 50]) rows.push(await measure(n));
console.log(`steady-state run --once on the real engine (median of ${runs})`);
console.log('| workloads | Docker calls | tick median ms | tick min | tick max | process median ms |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.workloads} | ${r.dockerCalls} | ${r.tickMedianMs} | ${r.tickMinMs} | ${r.tickMaxMs} | ${r.processMedianMs.toFixed(0)} |`);
const out = path.join(import.meta.dirname, 'results', 'noop.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2));
