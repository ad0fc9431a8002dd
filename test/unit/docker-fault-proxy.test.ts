import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DockerFaultProxy } from '../support/docker-fault-proxy.js';

/** One request through the proxy socket: status and body, or the error's code. */
function ask(
  socketPath: string,
  method: string,
  url: string,
  timeoutMs = 2000,
): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.request({ socketPath, method, path: url, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end();
  });
}

describe('the fault-injecting Docker proxy', () => {
  let dir: string;
  let engine: http.Server;
  let proxy: DockerFaultProxy;
  let stream: http.ServerResponse | undefined;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proxy-test-'));
    engine = http.createServer((req, res) => {
      if (req.url?.includes('/events')) {
        stream = res;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"n":1}\n');
        return;
      }
      if (req.url?.startsWith('/containers/create')) {
        res.writeHead(201, { 'content-type': 'application/json' });
        return res.end('{"Id":"abc123"}');
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`${req.method} ${req.url}`);
    });
    // Docker's hijacked connections (attach, exec): 101, then raw bytes both ways; this one echoes.
    engine.on('upgrade', (_req, raw: net.Socket) => {
      raw.write('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
      raw.pipe(raw);
    });
    const socket = path.join(dir, 'engine.sock');
    await new Promise<void>((resolve) => engine.listen(socket, resolve));
    proxy = await DockerFaultProxy.start(`unix://${socket}`);
  });

  afterEach(async () => {
    stream?.end();
    await proxy.close();
    engine.closeAllConnections();
    engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('forwards every call and records it, with or without a version prefix', async () => {
    expect(await ask(proxy.socket, 'GET', '/v1.41/containers/json?all=1')).toEqual({
      status: 200,
      body: 'GET /v1.41/containers/json?all=1',
    });
    expect(await ask(proxy.socket, 'POST', '/containers/x/start')).toEqual({
      status: 200,
      body: 'POST /containers/x/start',
    });
    expect(proxy.calls.map((c) => [c.method, c.path, c.fault])).toEqual([
      ['GET', '/containers/json', undefined],
      ['POST', '/containers/x/start', undefined],
    ]);
  });

  it('answers a Docker-style error on the chosen occurrence only, matching by method, path and container', async () => {
    proxy.add({
      method: 'GET',
      path: '/containers/json',
      occurrence: { nth: 2 },
      fault: { status: 500, message: 'boom' },
    });
    proxy.add({ method: 'POST', path: '/containers/*/start', container: 'tf-bad', fault: { status: 404 } });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await ask(proxy.socket, 'GET', '/v1.41/containers/json'));
    expect(answers.map((a) => ('status' in a ? a.status : a.error))).toEqual([200, 500, 200]);
    expect(answers[1]).toEqual({ status: 500, body: '{"message":"boom"}\n' });
    expect(await ask(proxy.socket, 'POST', '/containers/create?name=tf-bad-1')).toMatchObject({ status: 201 });
    expect(await ask(proxy.socket, 'POST', '/containers/abc123/start')).toMatchObject({ status: 404 });
    expect(await ask(proxy.socket, 'POST', '/containers/other/start')).toMatchObject({ status: 200 });
  });

  it('counts from the Nth call on, and stops once cleared', async () => {
    proxy.add({ path: '/_ping', occurrence: { from: 2 }, fault: { status: 409 } });
    const statuses = async () => {
      const a = await ask(proxy.socket, 'GET', '/_ping');
      return 'status' in a ? a.status : a.error;
    };
    expect([await statuses(), await statuses(), await statuses()]).toEqual([200, 409, 409]);
    proxy.clear();
    expect(await statuses()).toBe(200);
  });

  it('drops the connection, delays, or never answers', async () => {
    proxy.add({ path: '/drop', fault: { drop: true } });
    proxy.add({ path: '/slow', fault: { delayMs: 150 } });
    proxy.add({ path: '/hang', fault: { hang: true } });
    expect(await ask(proxy.socket, 'GET', '/drop')).toEqual({ error: 'ECONNRESET' });
    const started = Date.now();
    expect(await ask(proxy.socket, 'GET', '/slow')).toMatchObject({ status: 200 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(await ask(proxy.socket, 'GET', '/hang', 300)).toEqual({ error: 'TIMEOUT' });
  });

  it('streams /events as it comes, and stalls an open stream while keeping it open', async () => {
    const received: string[] = [];
    let closed = false;
    const req = http.request({ socketPath: proxy.socket, path: '/v1.41/events' }, (res) => {
      res.on('data', (c: Buffer) => received.push(c.toString()));
      res.on('close', () => (closed = true));
    });
    req.end();
    await until(() => received.join('') === '{"n":1}\n');
    stream!.write('{"n":2}\n');
    await until(() => received.length === 2);
    expect(proxy.silenceOpen('GET', '/events')).toBe(1);
    stream!.write('{"n":3}\n');
    await new Promise((r) => setTimeout(r, 200));
    expect(received.join('')).toBe('{"n":1}\n{"n":2}\n');
    expect(closed).toBe(false);
    req.destroy();
  });

  it('with a silence rule, answers new calls with headers and then nothing', async () => {
    proxy.add({ method: 'GET', path: '/events', fault: { silence: true } });
    let status = 0;
    const received: string[] = [];
    const req = http.request({ socketPath: proxy.socket, path: '/events' }, (res) => {
      status = res.statusCode ?? 0;
      res.on('data', (c: Buffer) => received.push(c.toString()));
    });
    req.end();
    await until(() => status === 200);
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual([]);
    req.destroy();
  });

  it('splices an upgraded connection byte for byte', async () => {
    const echoed = await new Promise<string>((resolve, reject) => {
      const req = http.request({
        socketPath: proxy.socket,
        method: 'POST',
        path: '/v1.41/containers/x/attach?stream=1',
        headers: { Connection: 'Upgrade', Upgrade: 'tcp' },
      });
      req.on('upgrade', (res, raw: net.Socket) => {
        expect(res.statusCode).toBe(101);
        raw.once('data', (d: Buffer) => {
          resolve(d.toString('hex'));
          raw.destroy();
        });
        raw.write(Buffer.from([0, 1, 2, 255]));
      });
      req.on('error', reject);
      req.end();
    });
    expect(echoed).toBe('000102ff');
    expect(proxy.seen('POST', '/containers/*/attach')).toHaveLength(1);
  });
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}
