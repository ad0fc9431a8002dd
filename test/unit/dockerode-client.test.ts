import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { dockerClient } from '../../src/adapters/dockerode-client.js';

const fromDockerode = createRequire(createRequire(import.meta.url).resolve('dockerode'));
const isLoaded = (name: string) =>
  Object.keys(fromDockerode.cache).some((file) => file.includes(`/node_modules/${name}/`));

describe('dockerode with its SSH, BuildKit and tar parts loaded on first use', () => {
  it('still reaches an ssh:// engine through ssh2, loaded only then', async () => {
    dockerClient('unix:///nonexistent.sock');
    expect(isLoaded('ssh2')).toBe(false);
    // dockerode's own ssh:// support (tinyforge's --docker-host does not offer it): the
    // SSH client now loads and dials; nothing listens on port 1 of the loopback.
    const Docker = fromDockerode('dockerode') as typeof import('dockerode');
    const overSsh = new Docker({ protocol: 'ssh', host: '127.0.0.1', port: 1, username: 'nobody' } as never);
    await expect(overSsh.ping()).rejects.toThrow(/ECONNREFUSED/);
    expect(isLoaded('ssh2')).toBe(true);
  });

  it('hands out the real tar packer when first asked for it', () => {
    const tar = fromDockerode('tar-fs') as { pack: unknown };
    expect(typeof tar.pack).toBe('function');
    expect(isLoaded('tar-stream')).toBe(true);
  });
});
