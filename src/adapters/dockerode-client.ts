// First: what dockerode loads eagerly and tinyforge never uses waits for its first use.
import './dockerode-on-first-use.js';
import Docker from 'dockerode';

/** dockerode's connection options for a DOCKER_HOST URL. */
export function dockerConnection(host: string): Docker.DockerOptions {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('/')) return { socketPath: host };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { protocol: url.protocol === 'https:' ? 'https' : 'http', host: url.hostname, port: Number(url.port || 2375) };
}

/** A dockerode client of the engine at `host` (DOCKER_HOST-style), without what only image builds and `ssh://` hosts need. */
export function dockerClient(host: string): Docker {
  return new Docker(dockerConnection(host));
}
