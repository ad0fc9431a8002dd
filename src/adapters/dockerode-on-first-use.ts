import Module, { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Modules of dockerode's tree (as dockerode names them) that load eagerly and that
 * tinyforge's calls never reach on a local engine: the SSH client (ssh2, for `ssh://`
 * hosts only), BuildKit sessions (gRPC and protobuf) and tar packing (both for image
 * builds). Together they are most of dockerode's load time: each loads on first use.
 * The bin's bundle leaves them (and BuildKit's own module) out and requires them from
 * dockerode's folder (src/build/bundle.ts), where these stand-ins wait.
 */
export const ON_FIRST_USE = ['docker-modem/lib/ssh.js', 'dockerode/lib/session.js', 'tar-fs'];

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

// Imported for this effect before dockerode itself (src/adapters/dockerode-client.ts).
const fromDockerode = createRequire(require.resolve('dockerode'));
for (const name of ON_FIRST_USE) deferModule(fromDockerode.resolve, name);
