import http from 'node:http';
import { admitRequest } from './web-access.js';

export interface Health {
  /** The loop is alive: it ticked recently. */
  live(): boolean;
  /** The first full reconcile is done and Docker answered the last one. */
  ready(): boolean;
  /** Why it is not ready, for a person reading `/readyz`: `cannot write the state file …`. */
  notReadyBecause?(): string | undefined;
  /** `/metrics`: the Prometheus text format and its content type; absent, `/metrics` is not found. */
  metrics?: { readonly contentType: string; text(): Promise<string> };
}

/** The address cannot be listened on: taken, not this host's, or not allowed. A configuration error, not a crash. */
export class AddressUnavailableError extends Error {
  readonly code = 'ADDRESS_UNAVAILABLE';

  constructor(
    address: string,
    /** What is wrong, for a person: `address already in use`. */
    readonly reason: string,
  ) {
    super(`cannot listen on ${address}: ${reason}`);
  }
}

/** Why listen(2) refused, for the errors an operator's choice of address causes. */
const LISTEN_REFUSALS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this host',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name not found',
};

/** More routes on the same address (the status page), and the token they and /metrics ask for. */
export interface WebOptions {
  token?: string;
  /** Answers `route` and returns true, or returns false for a 404. */
  routes?(route: string, req: http.IncomingMessage, res: http.ServerResponse): boolean;
}

/** `/healthz` and `/readyz`, 200 or 503, and `/metrics` on `host:port` (checked by the caller). */
export async function startHealthServer(
  listen: { host: string; port: number },
  health: Health,
  web: WebOptions = {},
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const route = admitRequest(req, res, web.token);
    if (route === undefined || web.routes?.(route, req, res)) return;
    if (route === '/metrics' && health.metrics) {
      serveMetrics(res, health.metrics);
      return;
    }
    const check = route === '/healthz' ? health.live() : route === '/readyz' ? health.ready() : undefined;
    if (check === undefined) {
      res.writeHead(404).end('not found\n');
      return;
    }
    const why = check ? undefined : route === '/readyz' && health.notReadyBecause?.();
    res
      .writeHead(check ? 200 : 503, { 'content-type': 'text/plain' })
      .end(check ? 'ok\n' : `not ok${why ? `: ${why}` : ''}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason = LISTEN_REFUSALS[error.code ?? ''];
      reject(reason ? new AddressUnavailableError(`${listen.host}:${listen.port}`, reason) : error);
    });
    server.listen(listen.port, listen.host, () => resolve());
  });
  return server;
}

/** The metrics' text with the registry's content type; one that cannot be collected is a 500, not a crash. */
function serveMetrics(res: http.ServerResponse, metrics: NonNullable<Health['metrics']>): void {
  metrics.text().then(
    (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
    (error: unknown) =>
      res
        .writeHead(500, { 'content-type': 'text/plain' })
        .end(`cannot collect the metrics: ${error instanceof Error ? error.message : String(error)}\n`),
  );
}
