// Benchmark: `tinyforge validate` over a directory of N small manifests, process start
// included (what a CI job or a pre-commit hook pays). Prints a table, writes JSON.
//   node test/bench/validate.mjs [N...]   (default 10 100 1000; build first)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'dist/main.js');
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const runs = 7;

function manifest(i) {
  return `apiVersion: tinyforge.dev/v1
kind: Image
metadata:
  name: app-${i}
  labels: {team: bench}
spec:
  image: tinyforge-test/busybox:1
  command: [sleep, "3600"]
  network: none
  init: true
  replicas: ${(i % 3) + 1}
  env:
    INDEX: "${i}"
    MODE: bench
  healthcheck:
    command: ["true"]
    interval: 10s
`;
}

function measure(n) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-bench-'));
  for (let i = 0; i < n; i++) fs.writeFileSync(path.join(dir, `app-${i}.yaml`), manifest(i));
  const times = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [bin, 'validate', dir], { encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0) throw new Error(`validate failed: ${result.stderr}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  return { manifests: n, runs, medianMs: times[Math.floor(runs / 2)], minMs: times[0], maxMs: times[runs - 1] };
}

const baseline = (() => {
  const times = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
})();

const rows = (sizes.length ? sizes : [10, 100, 1000]).map(measure);
console.log(`validate, process start included (median of ${runs}; bare \`node -e 0\` ${baseline.toFixed(0)} ms)`);
console.log('| manifests | median ms | min ms | max ms |');
console.log('|---:|---:|---:|---:|');
for (const r of rows)
  console.log(`| ${r.manifests} | ${r.medianMs.toFixed(0)} | ${r.minMs.toFixed(0)} | ${r.maxMs.toFixed(0)} |`);
const thousand = rows.find((r) => r.manifests === 1000);
if (thousand)
  console.log(`1,000 manifests: median ${thousand.medianMs.toFixed(0)} ms (target: under 500 ms, issue 13)`);
const out = path.join(import.meta.dirname, 'results', 'validate.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(
  out,
  JSON.stringify(
    { at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, nodeStartMs: baseline, rows },
    null,
    2,
  ),
);
console.log(`written ${path.relative(process.cwd(), out)}`);
