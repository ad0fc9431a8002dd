import { execFileSync } from 'node:child_process';
import path from 'node:path';
import Docker from 'dockerode';
import type { TestProject } from 'vitest/node';
import { dockerOptions } from './docker-options.js';

const ENGINE_SCRIPT = path.resolve(import.meta.dirname, 'engine.sh');
const SWARM_SCRIPT = path.resolve(import.meta.dirname, 'swarm.sh');

declare module 'vitest' {
  export interface ProvidedContext {
    dockerHost: string;
    swarmHost: string;
  }
}

/**
 * Gives the end-to-end tests a real Docker engine and a real two-node Swarm cluster:
 * those named by TINYFORGE_TEST_DOCKER_HOST and TINYFORGE_TEST_SWARM_HOST, or private
 * ones started by test/support/engine.sh and swarm.sh (and stopped or removed again
 * afterwards, when this run started them). Never skips: no engine, no run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stopEngine = await provideEngine(project);
  const removeSwarm = provideSwarm(project);
  return async () => {
    removeSwarm();
    stopEngine();
  };
}

async function provideEngine(project: TestProject): Promise<() => void> {
  const given = process.env['TINYFORGE_TEST_DOCKER_HOST'];
  let host: string;
  let startedHere = false;
  if (given) {
    host = given;
  } else {
    host = execFileSync('bash', [ENGINE_SCRIPT, 'host'], { encoding: 'utf8' }).trim();
    startedHere = !(await answers(host));
    execFileSync('bash', [ENGINE_SCRIPT, 'start', ...(startedHere ? ['--fresh'] : [])], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  if (!(await answers(host))) throw new Error(`no Docker engine answers at ${host}`);
  const version = await new Docker(dockerOptions(host)).version();
  process.stderr.write(`e2e: Docker engine ${version.Version} (API ${version.ApiVersion}) at ${host}\n`);
  project.provide('dockerHost', host);
  return () => {
    if (startedHere) execFileSync('bash', [ENGINE_SCRIPT, 'stop'], { stdio: ['ignore', 'ignore', 'inherit'] });
  };
}

/** The Swarm cluster's manager: the one given, or one started here (in its default folder) and removed at the end. */
function provideSwarm(project: TestProject): () => void {
  const given = process.env['TINYFORGE_TEST_SWARM_HOST'];
  const host =
    given ??
    execFileSync('bash', [SWARM_SCRIPT, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  process.stderr.write(`e2e: Swarm manager at ${host}\n`);
  project.provide('swarmHost', host);
  return () => {
    if (!given) execFileSync('bash', [SWARM_SCRIPT, 'remove'], { stdio: ['ignore', 'ignore', 'inherit'] });
  };
}

async function answers(host: string): Promise<boolean> {
  try {
    await new Docker({ ...dockerOptions(host), timeout: 3000 }).ping();
    return true;
  } catch {
    return false;
  }
}
