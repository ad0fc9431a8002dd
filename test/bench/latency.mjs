// Benchmark: change latency of the long-running controller on the real test engine:
// file save -> container running, env edit -> recreated container running, and
// `docker kill` -> running again, and `git push` through a post-receive hook -> converged. Needs the engine (DOCKER_HOST or engine.sh start).
//   node test/bench/latency.mjs [runs]   (default 7)
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { sleeper } from './support.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'dist/main.js');
const host =
  process.env.DOCKER_HOST ??
  execFileSync('bash', [path.join(root, 'test/support/engine.sh'), 'host'], { encoding: 'utf8' }).trim();
const docker = new Docker({ socketPath: host.replace('unix://', '') });
const runs = Number(process.argv[2] ?? 7);
const name = `latency-${process.pid}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-bench-'));
const manifests = path.join(dir, 'manifests');
fs.mkdirSync(manifests);

// restart: "no", so that Docker's own restart policy cannot be what brings a killed container back.
const manifest = (n, env = 'A') => sleeper(n, ['restart: "no"', `env: {V: "${env}"}`]);
const list = (n) =>
  docker.listContainers({
    all: true,
    filters: { label: [`tinyforge.controller=${name}`, `tinyforge.workload.name=${n}`] },
  });
async function until(check) {
  for (;;) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

fs.writeFileSync(path.join(manifests, 'anchor.yaml'), manifest('anchor'));
const daemon = spawn(process.execPath, [bin, 'run', '--name', name, '--resync', '60s'], {
  cwd: dir,
  env: { ...process.env, DOCKER_HOST: host },
  stdio: 'ignore',
});
await until(async () => (await list('anchor')).some((c) => c.State === 'running'));

// The GitOps path: a bare repository whose hook checks `main` out into the manifest directory.
const bare = path.join(dir, 'manifests.git');
const clone = path.join(dir, 'clone');
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@tinyforge.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@tinyforge.invalid',
};
const git = (cwd, ...a) =>
  execFileSync('git', a, { cwd, env: gitEnv, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' }).trim();
git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
fs.writeFileSync(
  path.join(bare, 'hooks', 'post-receive'),
  `#!/bin/sh\nset -e\nwhile read -r old new ref; do\n  [ "$ref" = refs/heads/main ] || continue\n  git --work-tree="${manifests}" --git-dir="$PWD" checkout -f main\n  printf 'gitdir: %s\\n' "$PWD" > "${manifests}/.git"\ndone\n`,
  { mode: 0o755 },
);
git(dir, 'clone', '-q', bare, clone);

const samples = { create: [], recreate: [], kill: [], push: [] };
for (let i = 0; i < runs; i++) {
  const n = `w${i}`;
  let t = performance.now();
  fs.writeFileSync(path.join(manifests, `${n}.yaml`), manifest(n));
  await until(async () => (await list(n)).some((c) => c.State === 'running'));
  samples.create.push(performance.now() - t);

  const before = (await list(n))[0].Id;
  t = performance.now();
  fs.writeFileSync(path.join(manifests, `${n}.yaml`), manifest(n, 'B'));
  await until(async () => (await list(n)).some((c) => c.State === 'running' && c.Id !== before));
  samples.recreate.push(performance.now() - t);

  await new Promise((r) => setTimeout(r, 300));
  const id = (await list(n)).find((c) => c.State === 'running').Id;
  const handle = docker.getContainer(id);
  const killedAt = Date.now();
  t = performance.now();
  await handle.kill();
  await until(async () => {
    const { State } = await handle.inspect();
    return State.Running && Date.parse(State.StartedAt) > killedAt;
  });
  samples.kill.push(performance.now() - t);
}

fs.writeFileSync(path.join(clone, 'anchor.yaml'), manifest('anchor'));
fs.writeFileSync(path.join(clone, 'pushed.yaml'), manifest('pushed', 'P0'));
git(clone, 'add', '-A');
git(clone, 'commit', '-qm', 'first');
git(clone, 'push', '-q', 'origin', 'HEAD:main');
await until(async () => (await list('pushed')).some((c) => c.State === 'running'));
for (let i = 1; i <= runs; i++) {
  const before = (await list('pushed')).find((c) => c.State === 'running')?.Id;
  fs.writeFileSync(path.join(clone, 'pushed.yaml'), manifest('pushed', `P${i}`));
  git(clone, 'commit', '-qam', `change ${i}`);
  const t = performance.now();
  git(clone, 'push', '-q', 'origin', 'HEAD:main');
  await until(async () => (await list('pushed')).some((c) => c.State === 'running' && c.Id !== before));
  samples.push.push(performance.now() - t);
}

daemon.kill('SIGTERM');
await new Promise((r) => daemon.on('exit', r));
for (const c of await docker.listContainers({ all: true, filters: { label: [`tinyforge.controller=${name}`] } }))
  await docker.getContainer(c.Id).remove({ force: true });
fs.rmSync(dir, { recursive: true, force: true });

const stats = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return {
    medianMs: Math.round(s[Math.floor(s.length / 2)]),
    minMs: Math.round(s[0]),
    maxMs: Math.round(s[s.length - 1]),
  };
};
const rows = [
  { change: 'new manifest saved -> container running', ...stats(samples.create) },
  { change: 'env edited -> recreated container running', ...stats(samples.recreate) },
  { change: 'docker kill -> running again', ...stats(samples.kill) },
  { change: 'git push (post-receive checkout) -> recreated container running', ...stats(samples.push) },
];
console.log(`change latency of the long-running controller (debounce 150 ms; ${runs} runs)`);
console.log('| change | median ms | min ms | max ms |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.change} | ${r.medianMs} | ${r.minMs} | ${r.maxMs} |`);
const out = path.join(import.meta.dirname, 'results', 'latency.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, runs, rows }, null, 2));
