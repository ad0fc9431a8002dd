import http from 'node:http';

export interface Health {
  /** The loop is alive: it ticked recently. */
  live(): boolean;
  /** The first full reconcile is done and Docker answered the last one. */
  ready(): boolean;
  /** `/metrics`: the Prometheus text format. */
  metrics(): string;
}

/** `--health-addr 127.0.0.1:PORT`: `/healthz` and `/readyz`, 200 or 503, and `/metrics`, on loopback by default. */
export async function startHealthServer(address: string, health: Health): Promise<http.Server> {
  const match = /^(?:\[?([^\]]*)\]?:)?(\d{1,5})$/.exec(address);
  if (!match) throw new Error(`--health-addr must be HOST:PORT such as 127.0.0.1:9090 (got ${address})`);
  const host = match[1] || '127.0.0.1';
  const server = http.createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(health.metrics());
      return;
    }
    const check = req.url === '/healthz' ? health.live() : req.url === '/readyz' ? health.ready() : undefined;
    if (check === undefined) {
      res.writeHead(404).end('not found\n');
      return;
    }
    res.writeHead(check ? 200 : 503, { 'content-type': 'text/plain' }).end(check ? 'ok\n' : 'not ok\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(match[2]), host, () => resolve());
  });
  return server;
}
