import { engineVersion, packageVersion } from '../app-versions.js';
import { dockerHostFlag } from './controller-flags.js';
import type { Output } from './output.js';
import { parseCommandArgs } from './parse-command-args.js';

export const VERSION_USAGE = `usage: tinyforge version [--docker-host URL]

Prints tinyforge's version, Node's, and the Docker engine's API version when it answers
within 3s (else why not; the exit code is 0 either way).`;

/** How long `version` waits for the engine: a version must not hang on a dead socket. */
const ENGINE_TIMEOUT_MS = 3000;

/** `tinyforge version` and `tinyforge --version`. */
export async function versionCommand(argv: string[], output: Output): Promise<number> {
  const options = { 'docker-host': { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
  const { values } = parseCommandArgs('version', argv, options);
  if (values.help) {
    output.out(VERSION_USAGE);
    return 0;
  }
  output.out(`tinyforge ${packageVersion()}`);
  output.out(`node ${process.version}`);
  output.out(`docker ${await engineLine(values['docker-host'])}`);
  return 0;
}

async function engineLine(flag: string | undefined): Promise<string> {
  try {
    const host = dockerHostFlag(flag);
    const engine = await engineVersion(host, ENGINE_TIMEOUT_MS);
    return `API ${engine.apiVersion} (engine ${engine.version}) at ${host}`;
  } catch (error) {
    return `unreachable: ${(error as Error).message}`;
  }
}
