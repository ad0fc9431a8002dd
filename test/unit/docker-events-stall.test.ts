import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DockerEventSource } from '../../src/adapters/docker-events.js';
import { eventually } from '../support/eventually.js';

/** One event line for controller `edge`'s image/web, at the engine's `timeNano`. */
function event(timeNano: bigint): string {
  const Attributes = {
    'tinyforge.managed': 'true',
    'tinyforge.controller': 'edge',
    'tinyforge.workload.id': 'image/web',
  };
  return `{"Type":"container","Action":"die","Actor":{"ID":"c1","Attributes":${JSON.stringify(Attributes)}},"time":${timeNano / 1_000_000_000n},"timeNano":${timeNano}}\n`;
}

describe("Docker's event stream, stalled", () => {
  let dir = '';
  let engine: http.Server | undefined;
  let source: DockerEventSource | undefined;
  afterEach(() => {
    source?.stop();
    engine?.closeAllConnections();
    engine?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is not taken for stalled by an event it delivered, even from an engine whose clock runs ahead; is by one it missed', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-events-'));
    // An hour ahead of ours: what the stream delivered falls inside every window we ask about.
    const ahead = BigInt(Date.now() + 3_600_000) * 1_000_000n;
    const known = [event(ahead)];
    const streams: string[] = [];
    engine = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url?.includes('until=')) return res.end(known.join(''));
      streams.push(req.url ?? '');
      // The first stream delivers the first event, then stalls; later ones stay quiet.
      res.write(streams.length === 1 ? known[0] : '\n');
    });
    const socket = path.join(dir, 'docker.sock');
    await new Promise<void>((resolve) => engine!.listen(socket, resolve));
    const lost: string[] = [];
    const woken: string[] = [];
    let reconnected = 0;
    source = new DockerEventSource(
      `unix://${socket}`,
      'edge',
      {
        workload: (id) => woken.push(id),
        reconnected: () => reconnected++,
        lost: (reason) => lost.push(reason),
        unreadable: () => undefined,
      },
      { silenceMs: 200, timeoutMs: 1000 },
    );
    source.start();
    await eventually('the delivered event', () => woken.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(lost).toEqual([]);

    known.push(event(ahead + 1_000_000n));
    await eventually('the stall noticed', () => lost.length === 1, 5000);
    expect(lost[0]).toMatch(
      /^Docker event stream stalled: nothing for \d+s while the engine had 1 event for this controller$/,
    );
    await eventually('reconnected', () => reconnected === 1, 5000);
    expect(streams).toHaveLength(2);
  });
});
