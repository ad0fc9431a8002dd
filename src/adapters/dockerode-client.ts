// First: what dockerode loads eagerly and tinyforge never uses waits for its first use.
import './dockerode-on-first-use.js';
import Docker from 'dockerode';
import { SshDockerAgent, sshTarget } from './ssh-docker-agent.js';

/**
 * dockerode's connection options for a DOCKER_HOST URL. Each names its host and protocol
 * outright: docker-modem fills what is left unset from the environment's DOCKER_HOST, which
 * would send `--docker-host unix:///…` to a `DOCKER_HOST=tcp://…` engine.
 */
export function dockerConnection(host: string): Docker.DockerOptions {
  if (host.startsWith('unix://')) return unixSocket(host.slice('unix://'.length));
  if (host.startsWith('/')) return unixSocket(host);
  if (host.startsWith('ssh://')) {
    const target = sshTarget(host);
    // docker-modem passes `agent` on to each request (its types omit it).
    const agent = new SshDockerAgent(target);
    return { protocol: 'http', host: target.host, port: target.port, agent } as Docker.DockerOptions;
  }
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { protocol: url.protocol === 'https:' ? 'https' : 'http', host: url.hostname, port: Number(url.port || 2375) };
}

function unixSocket(socketPath: string): Docker.DockerOptions {
  return { socketPath, protocol: 'http', host: undefined } as Docker.DockerOptions;
}

/** A dockerode client of the engine at `host` (DOCKER_HOST-style), without what only image builds need. */
export function dockerClient(host: string): Docker {
  return new Docker(dockerConnection(host));
}
