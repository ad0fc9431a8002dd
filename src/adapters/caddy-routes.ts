import http from 'node:http';
import type { Route, RouteProvider } from '../reconcile/route-provider.js';

export interface CaddyOptions {
  /** The admin API, e.g. `http://127.0.0.1:2019`. */
  admin: string;
  /** The HTTP server (in `apps.http.servers`) that gets the routes; created when missing. */
  server: string;
  /** Where that server listens when tinyforge creates it. */
  listen: string;
  timeoutMs: number;
}

/**
 * `--routes caddy`: routes kept in a real Caddy server through its admin API. Each
 * route has `@id` set to the route id, so it is replaced in place (`PATCH /id/…`) when a
 * stage switches slots, and removed by id. A server tinyforge creates speaks plain HTTP
 * (automatic HTTPS off); point `--caddy-server` at a server of your own for HTTPS.
 */
export class CaddyRoutes implements RouteProvider {
  readonly #options: CaddyOptions;
  #serverReady = false;

  constructor(options: CaddyOptions) {
    this.#options = { ...options, admin: options.admin.replace(/\/+$/, '') };
  }

  async apply(route: Route): Promise<void> {
    await this.#ensureServer();
    const body = caddyRoute(route);
    const replaced = await this.#request('PATCH', `/id/${encodeURIComponent(route.id)}`, body);
    if (replaced.status === 404) {
      const added = await this.#request('POST', `/config/apps/http/servers/${this.#options.server}/routes`, body);
      if (!added.ok) throw new Error(`caddy: adding route ${route.id} failed: ${added.status} ${added.text}`);
    } else if (!replaced.ok) {
      throw new Error(`caddy: replacing route ${route.id} failed: ${replaced.status} ${replaced.text}`);
    }
  }

  async remove(id: string): Promise<void> {
    const removed = await this.#request('DELETE', `/id/${encodeURIComponent(id)}`);
    if (!removed.ok && removed.status !== 404)
      throw new Error(`caddy: removing route ${id} failed: ${removed.status} ${removed.text}`);
  }

  async list(): Promise<ReadonlyMap<string, Route> | undefined> {
    const listed = await this.#request('GET', `/config/apps/http/servers/${this.#options.server}/routes`);
    // No such server (yet), or a Caddy started afresh: it holds no routes of ours.
    if (!listed.ok || listed.text.trim() === 'null') {
      this.#serverReady = false;
      return new Map();
    }
    const routes = new Map<string, Route>();
    for (const r of JSON.parse(listed.text) as CaddyRouteJson[]) {
      const id = r['@id'];
      const domain = r.match?.[0]?.host?.[0];
      if (id === undefined || domain === undefined) continue;
      const upstreams = (r.handle?.[0]?.upstreams ?? []).map((u) => u.dial ?? '').sort();
      routes.set(id, { id, domain, upstreams });
    }
    return routes;
  }

  /** Creates the server when the configuration has none of that name: at the deepest level that exists. */
  async #ensureServer(): Promise<void> {
    if (this.#serverReady) return;
    const { server, listen } = this.#options;
    const existing = await this.#request('GET', `/config/apps/http/servers/${server}`);
    if (!existing.ok || existing.text.trim() === 'null') {
      const definition = { listen: [listen], routes: [], automatic_https: { disable: true } };
      const levels: [string, unknown][] = [
        [`/config/apps/http/servers/${server}`, definition],
        ['/config/apps/http/servers', { [server]: definition }],
        ['/config/apps/http', { servers: { [server]: definition } }],
        ['/config/apps', { http: { servers: { [server]: definition } } }],
      ];
      let created = false;
      for (const [path, value] of levels) {
        const put = await this.#request('PUT', path, value);
        if (put.ok) {
          created = true;
          break;
        }
      }
      if (!created) throw new Error(`caddy: could not create server ${server} at ${this.#options.admin}`);
    }
    this.#serverReady = true;
  }

  async #request(method: string, path: string, body?: unknown): Promise<{ ok: boolean; status: number; text: string }> {
    try {
      return await send(
        `${this.#options.admin}${path}`,
        method,
        body === undefined ? undefined : JSON.stringify(body),
        this.#options.timeoutMs,
      );
    } catch (error) {
      // A Caddy that restarted has lost what it was given: check the server again next time.
      this.#serverReady = false;
      throw new Error(
        `caddy admin API ${this.#options.admin} did not answer ${method} ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/**
 * One request on a connection of its own: Caddy restarts its admin server when its
 * configuration changes, so a kept-alive connection may be closed under the next request.
 */
function send(
  url: string,
  method: string,
  body: string | undefined,
  timeoutMs: number,
): Promise<{ ok: boolean; status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      connection: 'close',
      ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
    };
    const request = http.request(url, { method, headers, agent: false, timeout: timeoutMs }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        resolve({ ok: status >= 200 && status < 300, status, text });
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

interface CaddyRouteJson {
  '@id'?: string;
  match?: { host?: string[] }[];
  handle?: { upstreams?: { dial?: string }[] }[];
}

/** A Caddy route: requests for the domain, proxied to the slot's upstreams. */
export function caddyRoute(route: Route): object {
  return {
    '@id': route.id,
    match: [{ host: [route.domain] }],
    handle: [{ handler: 'reverse_proxy', upstreams: route.upstreams.map((dial) => ({ dial })) }],
    terminal: true,
  };
}
