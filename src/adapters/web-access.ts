import crypto from 'node:crypto';
import type http from 'node:http';

/** Probes of kubelet and systemd, which carry no token: they tell only "up" or "not ready". */
const OPEN_ROUTES = new Set(['/healthz', '/readyz']);

/**
 * Whether `given` is the token, in time that does not depend on where they differ:
 * both are hashed first, so neither their length nor a shared prefix shows in the timing.
 */
export function tokenMatches(given: string, token: string): boolean {
  const digest = (text: string) => crypto.createHash('sha256').update(text).digest();
  return crypto.timingSafeEqual(digest(given), digest(token));
}

/** The token a request offers: `Authorization: Bearer …`, else `?token=…`. */
export function offeredToken(req: http.IncomingMessage, url: URL): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  return bearer ?? url.searchParams.get('token') ?? undefined;
}

/**
 * The read-only rule of `--health-addr`: GET and HEAD only (405 otherwise), and with a
 * token every route but /healthz and /readyz needs it (401 otherwise). Returns the path
 * to serve, or undefined when the request was answered here.
 */
export function admitRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  token: string | undefined,
): string | undefined {
  const url = new URL(req.url ?? '/', 'http://tinyforge.invalid');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed: read only\n');
    return undefined;
  }
  if (token === undefined || OPEN_ROUTES.has(url.pathname)) return url.pathname;
  const offered = offeredToken(req, url);
  if (offered !== undefined && tokenMatches(offered, token)) return url.pathname;
  res
    .writeHead(401, { 'www-authenticate': 'Bearer realm="tinyforge"', 'content-type': 'text/plain' })
    .end('unauthorized: send Authorization: Bearer <--web-token> or ?token=<--web-token>\n');
  return undefined;
}
