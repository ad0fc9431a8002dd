// `npm run bench`: every benchmark, one after another (they share the machine), each
// printing its table and writing test/bench/results/<name>.json. Needs the test engine:
// started here with test/support/engine.sh when DOCKER_HOST is not set.
import { execFileSync, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './support.mjs';

if (!process.env.DOCKER_HOST) {
  process.env.DOCKER_HOST = execFileSync('bash', [path.join(ROOT, 'test/support/engine.sh'), 'start'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}
console.log(
  `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`,
);
console.log(
  `engine: ${execFileSync(process.execPath, ['-e', "import('dockerode').then(async ({default: D}) => console.log((await new D({socketPath: process.env.DOCKER_HOST.replace('unix://','')}).version()).Version))"], { encoding: 'utf8', cwd: ROOT }).trim()}\n`,
);
const only = process.argv.slice(2);
for (const bench of ['validate', 'noop', 'latency', 'convergence', 'scaling', 'swarm-stack']) {
  if (only.length > 0 && !only.includes(bench)) continue;
  const r = spawnSync(process.execPath, [path.join(import.meta.dirname, `${bench}.mjs`)], {
    stdio: 'inherit',
    env: process.env,
  });
  if (r.status !== 0) {
    console.error(`bench ${bench} failed (exit ${r.status})`);
    process.exitCode = 1;
  }
  console.log('');
}
