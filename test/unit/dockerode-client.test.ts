import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dockerClient, dockerConnection } from '../../src/adapters/dockerode-client.js';
import { DockerUnreachableError } from '../../src/reconcile/docker-port.js';

const fromDockerode = createRequire(createRequire(import.meta.url).resolve('dockerode'));
const isLoaded = (name: string) =>
  Object.keys(fromDockerode.cache).some((file) => file.includes(`/node_modules/${name}/`));

describe('dockerode with its SSH, BuildKit and tar parts loaded on first use', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('loads ssh2 only when a client of an ssh:// host first connects, and fails as Docker unreachable', async () => {
    dockerClient('unix:///nonexistent.sock');
    const overSsh = dockerClient('ssh://nobody@127.0.0.1:1');
    expect(isLoaded('ssh2')).toBe(false);
    // No key and no agent in this HOME: refused before dialling, once ssh2 has loaded.
    vi.stubEnv('HOME', fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-home-')));
    vi.stubEnv('SSH_AUTH_SOCK', '');
    const failure = overSsh.ping();
    await expect(failure).rejects.toThrow(/ssh nobody@127.0.0.1:1: no credentials/);
    await expect(failure).rejects.toBeInstanceOf(DockerUnreachableError);
    expect(isLoaded('ssh2')).toBe(true);
  });

  it("still reaches an ssh:// engine through dockerode's own ssh support, loaded only then", async () => {
    const Docker = fromDockerode('dockerode') as typeof import('dockerode');
    const overSsh = new Docker({ protocol: 'ssh', host: '127.0.0.1', port: 1, username: 'nobody' } as never);
    await expect(overSsh.ping()).rejects.toThrow(/ECONNREFUSED/);
  });

  it('hands out the real tar packer when first asked for it', () => {
    const tar = fromDockerode('tar-fs') as { pack: unknown };
    expect(typeof tar.pack).toBe('function');
    expect(isLoaded('tar-stream')).toBe(true);
  });

  it('talks to the host it is given, whatever DOCKER_HOST the environment holds', () => {
    vi.stubEnv('DOCKER_HOST', 'ssh://someone@192.0.2.1');
    const modem = (host: string) => (dockerClient(host) as unknown as { modem: Record<string, unknown> }).modem;
    expect(modem('unix:///run/engine.sock')).toMatchObject({ socketPath: '/run/engine.sock', host: undefined });
    expect(modem('unix:///run/engine.sock').protocol).toBe('http');
    vi.stubEnv('DOCKER_HOST', 'tcp://192.0.2.1:2375');
    expect(modem('/run/engine.sock')).toMatchObject({ socketPath: '/run/engine.sock', host: undefined });
    expect(dockerConnection('ssh://deploy@example.com:2222')).toMatchObject({
      protocol: 'http',
      host: 'example.com',
      port: 2222,
    });
  });
});
