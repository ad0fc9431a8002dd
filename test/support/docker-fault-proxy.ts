import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * What a rule does to a call it matches: answer a status with a Docker-style JSON body
 * (`{"message": …}`), drop the connection, forward after a delay, never answer, or
 * (`silence`) forward the request and its response headers, then send nothing more
 * while keeping the connection open: a stalled `/events` stream (`silenceOpen` does
 * that to responses already streaming). A stalled response stays stalled after the
 * rule is cleared, like a dead TCP peer.
 */
export type Fault =
  | { status: number; message?: string }
  | { drop: true }
  | { delayMs: number }
  | { hang: true }
  | { silence: true };

/** Which of the calls a rule matches it acts on: the Nth (1-based), the Nth and later, or every one (the default). */
export type Occurrence = { nth: number } | { from: number } | 'every';

export interface FaultRule {
  /** `GET`, `POST`, `DELETE`…; any method when absent. */
  method?: string;
  /**
   * The path without Docker's API version prefix (`/v1.41`) and query: `/containers/json`,
   * `/containers/* /start` (without the space): `*` is one path segment.
   */
  path: string;
  /** Only calls about a container whose name contains this (its `?name=` on create, its id learnt from that create later). */
  container?: string;
  occurrence?: Occurrence;
  fault: Fault;
}

/** One call the proxy saw, and the fault it met (if any). */
export interface ProxyCall {
  method: string;
  /** Without the version prefix and query. */
  path: string;
  url: string;
  container: string | undefined;
  fault: string | undefined;
}

interface ActiveRule extends FaultRule {
  seen: number;
}

interface Exchange {
  call: ProxyCall;
  silence(): void;
}

/**
 * A unix socket (in a temp folder) between a Docker client and the real engine: every
 * request and response is forwarded as it comes (headers as sent, bodies chunk by
 * chunk, so the long-lived `/events` stream too; upgraded connections are spliced
 * byte for byte), except the calls a rule picks. Rules can be added and cleared at any
 * time; `calls` records what was asked.
 */
export class DockerFaultProxy {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-proxy-'));
  readonly socket = path.join(this.dir, 'docker.sock');
  /** DOCKER_HOST for the client: `unix://<socket>`. */
  readonly host = `unix://${this.socket}`;
  readonly calls: ProxyCall[] = [];
  readonly #upstream: string;
  readonly #rules: ActiveRule[] = [];
  readonly #open = new Set<Exchange>();
  readonly #sockets = new Set<net.Socket>();
  /** Container ids learnt from creates that went through, with their names. */
  readonly #names = new Map<string, string>();
  readonly #server: http.Server;

  private constructor(upstreamHost: string) {
    this.#upstream = upstreamHost.replace(/^unix:\/\//, '');
    this.#server = http.createServer((req, res) => this.#request(req, res));
    this.#server.on('connection', (s: net.Socket) => {
      this.#sockets.add(s);
      s.once('close', () => this.#sockets.delete(s));
    });
    this.#server.on('upgrade', (req: http.IncomingMessage, s: net.Socket, head: Buffer) => this.#splice(req, s, head));
  }

  /** A proxy to the engine at `upstreamHost` (`unix:///…/docker.sock`), listening. */
  static async start(upstreamHost: string): Promise<DockerFaultProxy> {
    const proxy = new DockerFaultProxy(upstreamHost);
    await new Promise<void>((resolve) => proxy.#server.listen(proxy.socket, resolve));
    return proxy;
  }

  add(rule: FaultRule): void {
    this.#rules.push({ ...rule, seen: 0 });
  }

  /** Stalls the responses streaming now to calls that match: open, sending nothing more. Answers how many. */
  silenceOpen(method: string, pattern: string): number {
    const open = [...this.#open].filter((e) => e.call.method === method && pathMatches(pattern, e.call.path));
    for (const exchange of open) exchange.silence();
    return open.length;
  }

  clear(): void {
    this.#rules.length = 0;
  }

  /** The calls seen so far that match `method` and `pattern`. */
  seen(method: string, pattern: string): ProxyCall[] {
    return this.calls.filter((c) => c.method === method && pathMatches(pattern, c.path));
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  #request(req: http.IncomingMessage, res: http.ServerResponse): void {
    const call = this.#describe(req);
    this.calls.push(call);
    const rule = this.#rules.find((r) => matches(r, call) && hit(r));
    call.fault = rule ? JSON.stringify(rule.fault) : undefined;
    const fault = rule?.fault;
    if (fault === undefined || 'silence' in fault) this.#forward(req, res, call, fault !== undefined);
    else if ('status' in fault) {
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ message: fault.message ?? `injected fault: ${fault.status}` })}\n`);
    } else if ('drop' in fault) req.socket.destroy();
    else if ('delayMs' in fault) setTimeout(() => this.#forward(req, res, call, false), fault.delayMs);
    // `hang`: nothing at all; the client's deadline ends it.
  }

  #describe(req: http.IncomingMessage): ProxyCall {
    const url = req.url ?? '/';
    const [rawPath = '/', query = ''] = url.split('?');
    const bare = rawPath.replace(/^\/v\d+\.\d+(?=\/)/, '');
    const named = new URLSearchParams(query).get('name') ?? undefined;
    const id = /^\/containers\/([^/]+)/.exec(bare)?.[1];
    const container = named ?? (id !== undefined ? (this.#names.get(id) ?? id) : undefined);
    return { method: req.method ?? 'GET', path: bare, url, container, fault: undefined };
  }

  #forward(req: http.IncomingMessage, res: http.ServerResponse, call: ProxyCall, silenced: boolean): void {
    let silent = silenced;
    const exchange: Exchange = { call, silence: () => (silent = true) };
    const upstream = http.request({
      socketPath: this.#upstream,
      method: req.method,
      path: req.url,
      headers: req.headers,
    });
    upstream.on('response', (answer) => {
      this.#open.add(exchange);
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      res.flushHeaders();
      const body: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => {
        if (call.method === 'POST' && call.path === '/containers/create') body.push(chunk);
        if (!silent) res.write(chunk);
      });
      answer.on('end', () => {
        this.#open.delete(exchange);
        this.#learn(call, body);
        if (!silent) res.end();
      });
    });
    upstream.on('error', () => req.socket.destroy());
    res.on('close', () => {
      this.#open.delete(exchange);
      upstream.destroy();
    });
    req.pipe(upstream);
  }

  #learn(call: ProxyCall, body: Buffer[]): void {
    if (body.length === 0 || call.container === undefined) return;
    try {
      const id = (JSON.parse(Buffer.concat(body).toString('utf8')) as { Id?: string }).Id;
      if (id) this.#names.set(id, call.container);
    } catch {
      // Not a create answer: nothing to learn.
    }
  }

  /** An upgraded connection (`Upgrade: tcp`, attach/exec): the head once more, then both directions byte for byte. */
  #splice(req: http.IncomingMessage, client: net.Socket, head: Buffer): void {
    this.calls.push(this.#describe(req));
    const upstream = net.connect(this.#upstream, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  }
}

function matches(rule: FaultRule, call: ProxyCall): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== call.method) return false;
  if (rule.container !== undefined && !call.container?.includes(rule.container)) return false;
  return pathMatches(rule.path, call.path);
}

/** Counts a matching call and says whether this one is among those the rule acts on. */
function hit(rule: ActiveRule): boolean {
  rule.seen += 1;
  const occurrence = rule.occurrence ?? 'every';
  if (occurrence === 'every') return true;
  return 'nth' in occurrence ? rule.seen === occurrence.nth : rule.seen >= occurrence.from;
}

function pathMatches(pattern: string, actual: string): boolean {
  const want = pattern.replace(/^\/v\d+\.\d+(?=\/)/, '').split('/');
  const got = actual.split('/');
  return want.length === got.length && want.every((segment, i) => segment === '*' || segment === got[i]);
}
