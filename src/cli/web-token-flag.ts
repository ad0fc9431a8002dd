import net from 'node:net';
import { UsageError } from './errors.js';
import type { HostPort } from './flag-values.js';

/** Where the token may come from instead of the command line, so that `ps` does not show it. */
export const WEB_TOKEN_ENV = 'TINYFORGE_WEB_TOKEN';

/** Shorter tokens are guessable; 16 characters of a password generator are not. */
const MIN_TOKEN_LENGTH = 16;

/** 127.0.0.0/8, ::1 (also as an IPv4-mapped address) and `localhost`: reachable from this host only. */
export function isLoopbackHost(host: string): boolean {
  if (host === '' || host === 'localhost') return true; // a bare port listens on 127.0.0.1
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host;
  if (net.isIPv4(v4)) return v4.startsWith('127.');
  return net.isIPv6(host) && new URL(`http://[${host}]/`).hostname === '[::1]';
}

/**
 * `--web-token`, else `$TINYFORGE_WEB_TOKEN`: what every route of `--health-addr` but
 * /healthz and /readyz then asks for. A non-loopback address without one is a usage
 * error (exit 2): the page and the metrics would be open to the network.
 */
export function webTokenFlag(flag: string | undefined, healthAddr: HostPort | undefined): string | undefined {
  if (!healthAddr) {
    // Nothing to guard: the environment's token is for a controller that serves.
    if (flag !== undefined) throw new UsageError('--web-token needs --health-addr: it guards what that address serves');
    return undefined;
  }
  const env = process.env[WEB_TOKEN_ENV];
  const [token, source] = flag !== undefined ? [flag, '--web-token'] : env ? [env, WEB_TOKEN_ENV] : [undefined, ''];
  if (token !== undefined && (token.length < MIN_TOKEN_LENGTH || !/^[!-~]+$/.test(token)))
    // Printable ASCII: what an Authorization header and a query string carry as they are.
    throw new UsageError(`${source} must be at least ${MIN_TOKEN_LENGTH} printable ASCII characters without spaces`);
  if (token === undefined && !isLoopbackHost(healthAddr.host))
    throw new UsageError(
      `--health-addr ${healthAddr.host}: a non-loopback address needs --web-token (or $${WEB_TOKEN_ENV}), or the status page and metrics are open to anyone who can reach it`,
    );
  return token;
}
