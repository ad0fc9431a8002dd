import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Notifier } from '../../src/adapters/notifier.js';
import { startDaemon } from '../../src/app-daemon.js';
import type { RunningDaemon } from '../../src/app-daemon.js';
import { DockerUnreachableError } from '../../src/reconcile/docker-port.js';
import { eventually } from '../support/eventually.js';
import { FakeDocker } from '../support/fake-docker.js';
import { fakeEngineConfig } from '../support/fake-engine-config.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

const SECRET = 'receiver-shared-secret';
const SLEEP = ['command: [sleep, "3600"]', 'network: none'];

interface Received {
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** A receiver on 127.0.0.1 that answers 200 at once, or (`hangs`) never: its requests wait until it is closed. */
async function receiver(hangs = false) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      if (!hangs) res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/token?key=k`;
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url, received, close };
}

/** A URL on 127.0.0.1 where nothing listens (connection refused). */
async function downUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/down`;
}

describe('notifications from the long-running controller to real receivers', () => {
  let dir = '';
  let stateDir = '';
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    removeFixtureDir(dir);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('a receiver that answers gets each change, signed, while one is down and one hangs; reconciling goes on', async () => {
    const [ok, slow, down] = [await receiver(), await receiver(true), await downUrl()];
    closers.push(ok.close, slow.close);
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP) });
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-state-'));
    const docker = new FakeDocker();
    docker.crashing.add('tinyforge-test/busybox:2');
    const logged: string[] = [];
    const running: RunningDaemon = await startDaemon(
      {
        ...fakeEngineConfig(dir, path.join(stateDir, 'state.json')),
        resyncMs: 60_000,
        debounceMs: 50,
        notify: { urls: [slow.url, down, ok.url], format: 'json', secret: SECRET },
      },
      { out: () => undefined, err: (line) => logged.push(line) },
      {
        docker,
        events: () => ({ start() {}, stop() {} }),
        // Longer than the test: the hanging receiver is never timed out, so it is still on the first notification.
        notifier: { timeoutMs: 120_000, firstDelayMs: 50, attempts: 2 },
      },
    );
    closers.push(() => running.stop());
    const said = () => ok.received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    await eventually('ready', () => running.health.ready(), 15_000);

    // A bad image: the workload turns bad, and is back to Ready once the manifest is fixed.
    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', SLEEP).replace('busybox:1', 'busybox:2'));
    await eventually('the bad news', () => said().length === 1, 15_000);
    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', SLEEP));
    await eventually('the recovery', () => said().length === 2, 15_000);
    expect(said()[0]).toMatchObject({ workload: 'image/web', phase: 'Degraded', previousPhase: 'Ready' });
    expect(said()[1]).toMatchObject({ workload: 'image/web', phase: 'Ready', previousPhase: 'Degraded' });
    // The hanging receiver is still on the first notification: no pass waited for it.
    expect(slow.received.map((r) => JSON.parse(r.body).phase)).toEqual(['Degraded']);

    // Docker goes away (a new manifest asks for a pass) and comes back (the queue's retry).
    docker.listError = new DockerUnreachableError('connect ECONNREFUSED /var/run/docker.sock');
    fs.writeFileSync(path.join(dir, 'api.yaml'), imageManifest('api', SLEEP));
    await eventually('Docker gone', () => said().length === 3, 15_000);
    docker.listError = undefined;
    await eventually('Docker back, api made', () => said().length === 4 && docker.containers.size === 2, 15_000);
    expect(said().slice(2)).toMatchObject([
      { workload: null, phase: null, previousPhase: null, reason: 'DockerUnreachable' },
      { workload: null, reason: 'DockerReachable', message: 'Docker is reachable again' },
    ]);

    for (const { body, headers } of ok.received) {
      const hmac = crypto.createHmac('sha256', SECRET).update(Buffer.from(body, 'utf8')).digest('hex');
      expect(headers['x-tinyforge-signature']).toBe(`sha256=${hmac}`);
      expect(headers['content-type']).toBe('application/json');
      expect(Object.keys(JSON.parse(body))).toEqual([
        ...['controller', 'workload', 'phase', 'previousPhase', 'reason', 'message', 'revision', 'at'],
      ]);
      expect(JSON.parse(body)).toMatchObject({ controller: 'default', revision: null });
      expect(new Date(JSON.parse(body).at).toISOString()).toBe(JSON.parse(body).at);
    }
    // The one that is down was tried, given up on, said once, without its path or query.
    await eventually('down given up on', () => logged.some((l) => l.includes('was not delivered')), 15_000);
    expect(logged.filter((l) => /notify URL [12] /.test(l))).toEqual([
      `notify URL 2 (${new URL(down).origin}/…): a notification was not delivered: ECONNREFUSED (2 tries)`,
    ]);
    expect(slow.received).toHaveLength(1);
    expect(logged.join('\n')).not.toContain('token');

    // The stop gives what the hanging receiver still has queued a short grace, no more.
    const stopping = Date.now();
    await running.stop();
    expect(Date.now() - stopping).toBeLessThan(9_000);
    expect(logged.filter((l) => l.includes('controller stopped'))).toEqual([
      expect.stringMatching(
        /^notify URL 1 \(http:\/\/127\.0\.0\.1:\d+\/…\): 4 notifications not delivered: the controller stopped$/,
      ),
    ]);
  }, 60_000);

  it("sends a URL's user:password as Basic authentication, and follows no redirect", async () => {
    const seen: { url: string | undefined; authorization: string | undefined }[] = [];
    const server = http.createServer((req, res) => {
      seen.push({ url: req.url, authorization: req.headers.authorization });
      req.resume();
      req.on('end', () => res.writeHead(req.url === '/moved' ? 302 : 200, { location: '/elsewhere' }).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const origin = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const logged: string[] = [];
    const notifier = new Notifier({
      urls: [`http://ops:p%40ss@${origin}/hook?topic=t`, `http://${origin}/moved`],
      format: 'ntfy',
      log: (line) => logged.push(line),
    });
    notifier.notify({
      ...{ controller: 'default', workload: 'image/web', phase: 'Failed', previousPhase: 'Ready' },
      ...{ reason: 'ReconcileFailed', message: 'create failed', revision: null, at: new Date().toISOString() },
    });
    await notifier.stop(10_000);
    expect(seen).toEqual([
      { url: '/hook?topic=t', authorization: `Basic ${Buffer.from('ops:p@ss').toString('base64')}` },
      { url: '/moved', authorization: undefined },
    ]);
    expect(logged).toEqual([`notify URL 2 (http://${origin}/…): a notification was not delivered: answered 302`]);
  });
});
