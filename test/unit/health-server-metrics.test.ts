import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startHealthServer } from '../../src/adapters/health-server.js';
import type { Health } from '../../src/adapters/health-server.js';

/** The health server on a free loopback port, asked for `/metrics`: status, content type and body. */
async function getMetrics(health: Health): Promise<{ status: number; type: string | null; body: string }> {
  const server = await startHealthServer({ host: '127.0.0.1', port: 0 }, health);
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
  } finally {
    server.close();
  }
}

describe("the health server's /metrics", () => {
  const base: Health = { live: () => true, ready: () => true };

  it("answers the metrics' text with their own content type", async () => {
    const metrics = { contentType: 'text/plain; version=0.0.4; charset=utf-8', text: async () => 'up 1\n' };
    expect(await getMetrics({ ...base, metrics })).toEqual({ status: 200, type: metrics.contentType, body: 'up 1\n' });
  });

  it('is not found without metrics, and a 500 that says why when they cannot be collected', async () => {
    expect((await getMetrics(base)).status).toBe(404);
    const failing = { contentType: 'text/plain', text: () => Promise.reject(new Error('collector broke')) };
    const answer = await getMetrics({ ...base, metrics: failing });
    expect(answer).toMatchObject({ status: 500, body: 'cannot collect the metrics: collector broke\n' });
  });
});
