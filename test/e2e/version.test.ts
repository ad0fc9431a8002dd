import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { testDocker } from '../support/test-docker.js';

describe('tinyforge version against the real engine', () => {
  it("names the engine's API version", async () => {
    const { docker, host } = testDocker();
    const engine = (await docker.version()) as { ApiVersion: string; Version: string };
    const result = runCli(['version', '--docker-host', host]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[2]).toBe(`docker API ${engine.ApiVersion} (engine ${engine.Version}) at ${host}`);
  });
});
