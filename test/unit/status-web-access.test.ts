import crypto from 'node:crypto';
import type http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ControllerState } from '../../src/api/state-types.js';
import type { Health } from '../../src/adapters/health-server.js';
import { startHealthServer } from '../../src/adapters/health-server.js';
import { SSE_HEARTBEAT, sseFrame } from '../../src/adapters/sse.js';
import { statusWeb } from '../../src/adapters/status-web.js';
import type { StatusWeb } from '../../src/adapters/status-web.js';
import { eventually } from '../support/eventually.js';

const TOKEN = 'a-token-of-24-characters';
const health: Health = {
  live: () => true,
  ready: () => true,
  metrics: { contentType: 'text/plain; version=0.0.4', text: async () => 'm 1\n' },
};

function emptyState(name = 'default'): ControllerState {
  return {
    apiVersion: 'tinyforge.dev/v1',
    kind: 'ControllerState',
    controller: {
      ...{ name, pid: 1, startedAt: '2026-01-01T00:00:00Z', heartbeatAt: '2026-01-01T00:00:00Z' },
      ...{ manifestDir: 'm', revision: null, docker: { reachable: true, lastError: null }, lastTick: null },
    },
    workloads: {},
    invalid: [],
    foreign: [],
    events: [],
  };
}

describe('the status page on --health-addr', () => {
  let server: http.Server | undefined;
  let web: StatusWeb | undefined;
  afterEach(() => {
    web?.close();
    server?.close();
    vi.restoreAllMocks();
  });

  async function serve(state: () => ControllerState, token?: string, heartbeatMs?: number): Promise<string> {
    web = statusWeb(state, heartbeatMs ? { heartbeatMs } : {});
    server = await startHealthServer({ host: '127.0.0.1', port: 0 }, health, {
      routes: web.routes,
      ...(token ? { token } : {}),
    });
    return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  }

  it('answers / by Accept: the page for a browser, JSON, or a text summary', async () => {
    const base = await serve(() => emptyState('edge'));
    const page = await fetch(`${base}/`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'sha256-/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('vary')).toBe('Accept');
    const html = await page.text();
    expect(html).toContain('<meta name="viewport"');
    expect(html).toContain('prefers-color-scheme:dark');
    expect(Buffer.byteLength(html)).toBeLessThan(20_000);
    const json = await (await fetch(`${base}/`, { headers: { accept: 'application/json' } })).json();
    expect(json).toMatchObject({ controller: { name: 'edge' }, workloads: [] });
    const text = await (await fetch(`${base}/`)).text();
    expect(text).toMatch(/^controller edge; Docker reachable; 0 workloads/);
  });

  it('is read only: any method but GET and HEAD is 405, on every route', async () => {
    const base = await serve(() => emptyState());
    for (const route of ['/', '/events', '/metrics', '/healthz']) {
      const res = await fetch(`${base}${route}`, { method: 'POST' });
      expect(res.status, route).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
    }
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('with a token: the probes stay open, everything else needs Bearer or ?token=, compared in constant time', async () => {
    const base = await serve(() => emptyState(), TOKEN);
    const compare = vi.spyOn(crypto, 'timingSafeEqual');
    const status = async (route: string, headers: Record<string, string> = {}) =>
      (await fetch(`${base}${route}`, { headers })).status;
    expect(await status('/healthz')).toBe(200);
    expect(await status('/readyz')).toBe(200);
    for (const route of ['/', '/metrics', '/events']) {
      expect(await status(route), route).toBe(401);
      expect(await status(route, { authorization: 'Bearer wrong-token-of-24-chars' }), route).toBe(401);
      expect(await status(`${route}?token=${TOKEN.slice(0, -1)}`), route).toBe(401);
    }
    expect(compare).toHaveBeenCalled();
    expect((await fetch(`${base}/`)).headers.get('www-authenticate')).toBe('Bearer realm="tinyforge"');
    expect(await status('/metrics', { authorization: `Bearer ${TOKEN}` })).toBe(200);
    expect(await status(`/?token=${TOKEN}`)).toBe(200);
    expect(await status(`/metrics?token=${TOKEN}`)).toBe(200);
  });

  it('streams the page as server-sent events: now, after each change, heartbeats; forgets a browser that left', async () => {
    let state = emptyState('before');
    const base = await serve(() => state, undefined, 50);
    const abort = new AbortController();
    const res = await fetch(`${base}/events`, { signal: abort.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    let received = '';
    const giveUp = setTimeout(() => abort.abort(), 10_000);
    const read = async (until: string) => {
      while (!received.includes(until)) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`the stream ended before ${until}: ${received}`);
        received += new TextDecoder().decode(value);
      }
    };
    await read('<b>before</b>');
    expect(received).toMatch(/^retry: 3000\nevent: page\ndata: <p class="meta">/);
    state = emptyState('after');
    web!.changed();
    await read('<b>after</b>');
    await read(SSE_HEARTBEAT);
    expect(web!.openStreams()).toBe(1);
    clearTimeout(giveUp);
    abort.abort();
    await eventually('the stream forgotten', async () => web!.openStreams() === 0, 5000, 20);
  });

  it('drops a browser that stopped reading instead of buffering pages for it without end', async () => {
    // Pages of some 300 KB each, each different: past what the kernel's buffers take.
    const bigState = (pass: number): ControllerState => ({
      ...emptyState(`pass-${pass}`),
      invalid: Array.from({ length: 1500 }, (_, i) => ({
        file: `manifests/${i}.yaml`,
        line: 1,
        column: 1,
        path: '',
        message: `${'x'.repeat(150)} ${pass}`,
      })),
    });
    let pass = 0;
    const base = await serve(() => bigState(pass));
    const socket = net.connect(Number(new URL(base).port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /events HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    socket.pause(); // reads nothing from now on
    await eventually('the stream open', () => web!.openStreams() === 1, 5000, 20);
    for (pass = 1; pass <= 200 && web!.openStreams() > 0; pass++) web!.changed();
    expect(web!.openStreams()).toBe(0);
    expect(pass).toBeGreaterThan(2);
    socket.destroy();
  });

  it('answers HEAD /events with the headers only, keeping no stream open', async () => {
    const base = await serve(() => emptyState());
    const res = await fetch(`${base}/events`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(web!.openStreams()).toBe(0);
  });

  it('frames an event with one data line per line', () => {
    expect(sseFrame('page', 'a\nb\r\nc')).toBe('event: page\ndata: a\ndata: b\ndata: c\n\n');
    expect(sseFrame('pa\nge', '')).toBe('event: page\ndata: \n\n');
  });
});
