// Shared helpers of the benchmarks: statistics, tables, the engine, manifests, cleanup.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import Docker from 'dockerode';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'dist/main.js');
export const RESULTS = path.join(import.meta.dirname, 'results');

/** The real test engine: DOCKER_HOST, or the one test/support/engine.sh runs. */
export function engineHost() {
  return (
    process.env.DOCKER_HOST ??
    execFileSync('bash', [path.join(ROOT, 'test/support/engine.sh'), 'host'], { encoding: 'utf8' }).trim()
  );
}

export function dockerClient(host) {
  return new Docker({ socketPath: host.replace('unix://', '') });
}

export function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1], runs: s.length };
}

export const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

export function table(title, header, rows) {
  const lines = [
    `${title}`,
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
  ];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

export function writeResult(name, data) {
  fs.mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${name}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, ...data }, null, 2),
  );
  return file;
}

/** Debian's docker-compose (v1), installed when missing: the yardstick of convergence and no-op. */
export function ensureCompose() {
  try {
    execFileSync('docker-compose', ['version'], { stdio: 'ignore' });
  } catch {
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'docker-compose'], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
}

/** A sleeping busybox Image manifest on network none, quick to stop; `extra` spec lines appended. */
export function sleeper(name, extra = []) {
  return [
    'apiVersion: tinyforge.dev/v1',
    'kind: Image',
    `metadata: {name: ${name}}`,
    'spec:',
    '  image: tinyforge-test/busybox:1',
    '  pullPolicy: Never',
    '  command: [sleep, "3600"]',
    '  network: none',
    '  init: true',
    '  stopTimeout: 1s',
    ...extra.map((line) => `  ${line}`),
    '',
  ].join('\n');
}

/** A project folder with N sleeper manifests. */
export function projectWith(n, prefix = 'w') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-bench-'));
  fs.mkdirSync(path.join(dir, 'manifests'));
  for (let i = 0; i < n; i++)
    fs.writeFileSync(path.join(dir, 'manifests', `${prefix}${i}.yaml`), sleeper(`${prefix}${i}`));
  return dir;
}

const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
/** /proc/PID/stat's fields from the 3rd (state) on: the command name may hold spaces. */
const procStat = (pid) => {
  const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text
    .slice(text.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
};
/** The CPU time (user + system, ms) process `pid` has used so far. */
export const cpuMsOf = (pid) => {
  const f = procStat(pid);
  return (f[11] + f[12]) * TICK_MS;
};
/** The CPU time (ms) of this process's children that have exited (and were waited for). */
const childrenCpuMs = () => {
  const f = procStat('self');
  return (f[13] + f[14]) * TICK_MS;
};

/** The built binary of the checkout at `tree` (compare.mjs runs two of them). */
export function binOf(tree) {
  const bin = path.join(path.resolve(tree), 'dist/main.js');
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run npm ci && npm run build in ${tree}`);
  return bin;
}

/**
 * `tinyforge ARGS` in `cwd` against `host`, answering exit code, output, wall time and
 * CPU time (user + system, 10 ms steps; exact only while no other child process of this
 * one ends meanwhile); `bin` another build's dist/main.js (default this checkout's).
 * Asynchronous: the simulated engine answers from this very process.
 */
export function tinyforge(args, cwd, host, { bin = BIN } = {}) {
  const started = performance.now();
  const cpuBefore = childrenCpuMs();
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, DOCKER_HOST: host } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) =>
    child.on('exit', (code) =>
      resolve({ code, stdout, stderr, ms: performance.now() - started, cpuMs: childrenCpuMs() - cpuBefore }),
    ),
  );
}

export function readState(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, '.tinyforge/state.json'), 'utf8'));
}

/** Removes the containers carrying `label`, two at a time (Docker 20.10 deadlocks under more). */
export async function removeByLabel(docker, label) {
  const list = await docker.listContainers({ all: true, filters: { label: [label] } });
  for (let i = 0; i < list.length; i += 2) {
    await Promise.all(
      list.slice(i, i + 2).map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sampleOf = (text, series) =>
  Number(
    text
      .split('\n')
      .find((line) => line.startsWith(`${series} `))
      ?.slice(series.length + 1),
  );

/**
 * The long-running controller on `dir`, watched from outside for `windowMs` once it is
 * ready: every full pass (duration and Docker calls, from its /metrics) and its resident
 * memory (from /proc) every 250 ms, with how long after the last pass each was taken, and
 * the CPU time each pass took (from /proc: what the process used since the pass before).
 * `bin`: another build's dist/main.js; `passes`: stop as soon as that many were seen.
 */
export async function watchDaemon(dir, host, args, windowMs, { bin = BIN, passes: enough = Infinity } = {}) {
  const port = await freePort();
  const child = spawn(process.execPath, [bin, 'run', '--health-addr', `127.0.0.1:${port}`, ...args], {
    cwd: dir,
    env: { ...process.env, DOCKER_HOST: host },
    stdio: 'ignore',
  });
  const metrics = () =>
    fetch(`http://127.0.0.1:${port}/metrics`)
      .then((r) => r.text())
      .catch(() => undefined);
  const ready = () =>
    fetch(`http://127.0.0.1:${port}/readyz`)
      .then((r) => r.status === 200)
      .catch(() => false);
  const deadline = Date.now() + 300_000;
  while (!(await ready())) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGTERM');
      throw new Error('the controller did not become ready');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const passes = [];
  const rss = [];
  let seen = sampleOf((await metrics()) ?? '', 'tinyforge_reconcile_passes_total{scope="full"}');
  let lastPassAt = Date.now();
  let cpuAtLastPass = cpuMsOf(child.pid);
  const end = Date.now() + windowMs;
  while (Date.now() < end && passes.length < enough) {
    await new Promise((r) => setTimeout(r, 250));
    const text = await metrics();
    if (text === undefined) continue;
    const count = sampleOf(text, 'tinyforge_reconcile_passes_total{scope="full"}');
    if (count > seen) {
      const cpu = cpuMsOf(child.pid);
      // The CPU used since the pass before, idle time (and answering /metrics) included.
      const cpuMs = (cpu - cpuAtLastPass) / (count - seen);
      cpuAtLastPass = cpu;
      seen = count;
      lastPassAt = Date.now();
      passes.push({
        cpuMs,
        durationMs: sampleOf(text, 'tinyforge_reconcile_last_duration_seconds{scope="full"}') * 1000,
        dockerCalls: sampleOf(text, 'tinyforge_reconcile_last_docker_calls{scope="full"}'),
      });
    }
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    rss.push({ mb: Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024, sinceLastPassMs: Date.now() - lastPassAt });
  }
  const peakMb = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  return { passes, rss, peakMb };
}

export { spawn, spawnSync };
