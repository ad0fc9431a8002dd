import Module, { createRequire } from 'node:module';
import type DockerodeClass from 'dockerode';

const require = createRequire(import.meta.url);

/**
 * Modules of dockerode's tree (as dockerode names them) that load eagerly and that
 * tinyforge's calls never reach on a local engine: the SSH client (ssh2, for `ssh://`
 * hosts only), BuildKit sessions (gRPC and protobuf) and tar packing (both for image
 * builds). Together they are most of dockerode's load time: each loads on first use.
 */
const ON_FIRST_USE = ['docker-modem/lib/ssh.js', 'dockerode/lib/session.js', 'tar-fs'];

/**
 * Puts in Node's module cache, under the real module's file name, a stand-in that loads
 * the real module on its first use (a call, a `new` or a property read) and forwards to
 * it from then on. A name that does not resolve (another layout of the package) is left
 * to load as usual.
 */
function deferModule(resolve: NodeJS.RequireResolve, name: string): void {
  let filename: string;
  try {
    filename = resolve(name);
  } catch {
    return;
  }
  if (require.cache[filename]) return;
  let real: object | undefined;
  const load = (): never => {
    if (real === undefined) {
      delete require.cache[filename];
      real = require(filename) as object;
    }
    return real as never;
  };
  const standIn = new Proxy(function standIn() {}, {
    apply: (_target, self, args) => Reflect.apply(load(), self, args),
    construct: (_target, args) => Reflect.construct(load(), args),
    get: (_target, property) => Reflect.get(load(), property),
    has: (_target, property) => Reflect.has(load(), property),
  });
  const entry = new Module(filename);
  Object.assign(entry, { filename, loaded: true, exports: standIn });
  require.cache[filename] = entry;
}

function loadDockerode(): typeof DockerodeClass {
  const fromDockerode = createRequire(require.resolve('dockerode'));
  for (const name of ON_FIRST_USE) deferModule(fromDockerode.resolve, name);
  return require('dockerode') as typeof DockerodeClass;
}

/** dockerode's client class, loaded without what only image builds and `ssh://` hosts need. */
const Docker = loadDockerode();

/** dockerode's connection options for a DOCKER_HOST URL. */
export function dockerConnection(host: string): DockerodeClass.DockerOptions {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('/')) return { socketPath: host };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { protocol: url.protocol === 'https:' ? 'https' : 'http', host: url.hostname, port: Number(url.port || 2375) };
}

/** A dockerode client of the engine at `host` (DOCKER_HOST-style). */
export function dockerClient(host: string): DockerodeClass {
  return new Docker(dockerConnection(host));
}
