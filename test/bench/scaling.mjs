// Benchmark: how a steady-state tick grows with the number of workloads, 10 -> 10,000,
// on the simulated engine (test/bench/stub-engine.mjs): the tick must grow linearly,
// not quadratically. Also a front-end cost: the state file write. (The controller's
// memory is measured on the real engine, by noop.mjs.)
//   node test/bench/scaling.mjs [N...]   (default 10 100 1000 10000)
import fs from 'node:fs';
import path from 'node:path';
import { startStubEngine } from './stub-engine.mjs';
import { fmt, projectWith, readState, stats, table, tinyforge, writeResult } from './support.mjs';

const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const { StateStore } = await import('../../dist/adapters/state-store.js');

const rows = [];
for (const n of sizes.length ? sizes : [10, 100, 1000, 10000]) {
  const stub = await startStubEngine();
  const dir = projectWith(n);
  const first = await tinyforge(['run', '--once', '--concurrency', '16'], dir, stub.host);
  if (first.code !== 0) throw new Error(first.stderr.slice(0, 2000));
  const ticks = [];
  for (let r = 0; r < 5; r++) {
    const again = await tinyforge(['run', '--once'], dir, stub.host);
    if (!again.stdout.includes('in sync')) throw new Error(`not a no-op at ${n}`);
    ticks.push(readState(dir).controller.lastTick.durationMs);
  }
  const state = readState(dir);
  const stateBytes = fs.statSync(path.join(dir, '.tinyforge/state.json')).size;
  const writes = [];
  const store = new StateStore(path.join(dir, 'bench-state.json'), state);
  for (let r = 0; r < 5; r++) {
    state.controller.heartbeatAt = new Date(Date.now() + r * 1000).toISOString();
    state.invalid = [{ file: 'x', line: r + 1, column: 1, path: '', message: 'force a change' }];
    const t = performance.now();
    await store.save(state);
    writes.push(performance.now() - t);
  }
  const tick = stats(ticks);
  rows.push({ workloads: n, tick, perWorkloadUs: (tick.median * 1000) / n, stateBytes, stateWrite: stats(writes) });
  fs.rmSync(dir, { recursive: true, force: true });
  await stub.close();
}
const base = rows[0];
console.log(
  table(
    'scaling on the simulated engine (median of 5): steady-state tick of run --once, per workload, state file size and write',
    ['workloads', 'tick ms', 'µs per workload', 'growth vs linear', 'state file', 'state write ms'],
    rows.map((r) => [
      r.workloads,
      fmt(r.tick.median),
      r.perWorkloadUs.toFixed(0),
      (r.tick.median / base.tick.median / (r.workloads / base.workloads)).toFixed(2),
      `${(r.stateBytes / 1024).toFixed(0)} KiB`,
      fmt(r.stateWrite.median),
    ]),
  ),
);
writeResult('scaling', { rows });
