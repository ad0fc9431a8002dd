import type { DockerOptions } from 'dockerode';

/** dockerode's connection options for a DOCKER_HOST-style URL (`unix:///path`, `tcp://host:port`). */
export function dockerOptions(host: string): DockerOptions {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { protocol: 'http', host: url.hostname, port: Number(url.port || 2375) };
}
