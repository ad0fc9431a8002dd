import { execFileSync } from 'node:child_process';
import path from 'node:path';
import Docker from 'dockerode';
import type { TestProject } from 'vitest/node';
import { dockerOptions } from './docker-options.js';

const ENGINE_SCRIPT = path.resolve(import.meta.dirname, 'engine.sh');

declare module 'vitest' {
  export interface ProvidedContext {
    dockerHost: string;
  }
}

/**
 * Gives the end-to-end tests a real Docker engine: the one named by
 * TINYFORGE_TEST_DOCKER_HOST, or a private one started by test/support/engine.sh (and
 * stopped again afterwards, when this run started it). Never skips: no engine, no run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
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
  return async () => {
    if (startedHere) execFileSync('bash', [ENGINE_SCRIPT, 'stop'], { stdio: ['ignore', 'ignore', 'inherit'] });
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
