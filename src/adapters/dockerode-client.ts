// First: what dockerode loads eagerly and tinyforge never uses waits for its first use.
import './dockerode-on-first-use.js';
import Docker from 'dockerode';
import http from 'node:http';
import { SshDockerAgent, sshTarget } from './ssh-docker-agent.js';

/** docker-modem takes an HTTP agent too, and passes it on to each request; dockerode's types do not say so. */
type Connection = Docker.DockerOptions & { agent?: http.Agent };

/**
 * dockerode's connection options for a DOCKER_HOST URL. Each names its host and protocol
 * outright: docker-modem fills what is left unset from the environment's DOCKER_HOST, which
 * would send `--docker-host unix:///…` to a `DOCKER_HOST=tcp://…` engine.
 */
export function dockerConnection(host: string): Connection {
  if (host.startsWith('unix://')) return unixSocket(host.slice('unix://'.length));
  if (host.startsWith('/')) return unixSocket(host);
  if (host.startsWith('ssh://')) {
    const target = sshTarget(host);
    return { protocol: 'http', host: target.host, port: target.port, agent: new SshDockerAgent(target) };
  }
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { protocol: url.protocol === 'https:' ? 'https' : 'http', host: url.hostname, port: Number(url.port || 2375) };
}

/**
 * With Node's global agent's settings, and no TLS server name: Node works one out for
 * every request otherwise (only TLS uses it), testing the host against its IPv6 pattern,
 * whose first use costs a start some milliseconds.
 */
function unixSocket(socketPath: string): Connection {
  const agent = new http.Agent({
    keepAlive: true,
    scheduling: 'lifo',
    timeout: 5000,
    servername: '',
  } as http.AgentOptions);
  return { socketPath, protocol: 'http', host: undefined, agent } as Connection;
}

/** A dockerode client of the engine at `host` (DOCKER_HOST-style), without what only image builds need. */
export function dockerClient(host: string): Docker {
  return new Docker(dockerConnection(host));
}
