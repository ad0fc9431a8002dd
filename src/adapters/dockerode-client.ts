// First: what dockerode loads eagerly and tinyforge never uses waits for its first use.
import './dockerode-on-first-use.js';
import Docker from 'dockerode';
import http from 'node:http';

/** docker-modem takes an HTTP agent too; dockerode's types do not say so. */
type Connection = Docker.DockerOptions & { agent?: http.Agent };

/** dockerode's connection options for a DOCKER_HOST URL. */
export function dockerConnection(host: string): Connection {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length), agent: unixSocketAgent() };
  if (host.startsWith('/')) return { socketPath: host, agent: unixSocketAgent() };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { protocol: url.protocol === 'https:' ? 'https' : 'http', host: url.hostname, port: Number(url.port || 2375) };
}

/**
 * Node's global agent's settings, and no TLS server name: Node works one out for every
 * request otherwise (only TLS uses it), testing the host against its IPv6 pattern, whose
 * first use costs a start some milliseconds.
 */
function unixSocketAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5000, servername: '' } as http.AgentOptions);
}

/** A dockerode client of the engine at `host` (DOCKER_HOST-style), without what only image builds and `ssh://` hosts need. */
export function dockerClient(host: string): Docker {
  return new Docker(dockerConnection(host));
}
