import fs from 'node:fs';
import { callDocker } from './docker-call.js';
import { dockerClient } from './dockerode-client.js';

/**
 * tinyforge's own version, from the package.json it is installed with: two folders up
 * from this module (dist/adapters/, or the bundle's dist/bundle/), as in the repository
 * and in a global install alike. `unknown` where that file cannot be read.
 */
export function packageVersion(): string {
  try {
    const text = fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return String((JSON.parse(text) as { version?: unknown }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

/** The engine's version and API version, within `timeoutMs`; throws when it does not answer. */
export async function engineVersion(host: string, timeoutMs: number): Promise<{ version: string; apiVersion: string }> {
  // dockerode's types omit version's options; its code passes the abort signal on.
  const docker = dockerClient(host) as unknown as {
    version(options: object): Promise<{ Version: string; ApiVersion: string }>;
  };
  const answer = await callDocker(host, 'version', timeoutMs, (abortSignal) => docker.version({ abortSignal }));
  return { version: answer.Version, apiVersion: answer.ApiVersion };
}
