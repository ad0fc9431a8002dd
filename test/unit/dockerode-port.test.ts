import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DockerodePort } from '../../src/adapters/dockerode-port.js';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { containerSpec } from '../../src/reconcile/container-spec.js';
import { DockerUnreachableError, ImageUnavailableError, NameConflictError } from '../../src/reconcile/docker-port.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * The dockerode adapter against a stub of the Engine API on a unix socket or a loopback
 * TCP port: the quirks of real engines, replayed byte for byte.
 */
async function stubEngine(handler: Handler, where: 'unix' | 'tcp' = 'unix') {
  const server = http.createServer(handler);
  let host: string;
  let dir: string | undefined;
  if (where === 'unix') {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-stub-'));
    const socket = path.join(dir, 'docker.sock');
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    host = `unix://${socket}`;
  } else {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const port = new DockerodePort({ host, timeoutMs: 1000, scope: { policy: DEFAULT_POLICY, manifestDir: '/srv' } });
  return {
    port,
    close: () => {
      server.closeAllConnections();
      server.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const spec = containerSpec({
  fields: { image: 'tinyforge-test/busybox:1' },
  metadataLabels: undefined,
  references: [],
  dir: '/srv',
  digest: () => '',
});

describe('the dockerode adapter', () => {
  let close: () => void = () => undefined;
  afterEach(() => close());

  it('lists managed containers in one call, filtered by label, in its own terms (unix socket)', async () => {
    const seen: string[] = [];
    const stub = await stubEngine((req, res) => {
      seen.push(req.url ?? '');
      json(res, 200, [
        {
          Id: 'a'.repeat(64),
          Names: ['/tf-web-image-1-abcd'],
          Image: 'nginx:1.27',
          Labels: { 'tinyforge.managed': 'true' },
          State: 'running',
          Status: 'Up 3 minutes (healthy)',
          Created: 1700000000,
          Ports: [
            { PrivatePort: 80, PublicPort: 8080, Type: 'tcp', IP: '127.0.0.1' },
            { PrivatePort: 80, PublicPort: 8080, Type: 'tcp', IP: '::1' },
          ],
        },
      ]);
    });
    close = stub.close;
    expect(await stub.port.list()).toEqual([
      {
        id: 'a'.repeat(64),
        name: 'tf-web-image-1-abcd',
        image: 'nginx:1.27',
        labels: { 'tinyforge.managed': 'true' },
        state: 'running',
        status: 'Up 3 minutes (healthy)',
        created: 1700000000,
        ports: [8080],
        health: 'healthy',
      },
    ]);
    expect(seen).toHaveLength(1);
    expect(decodeURIComponent(seen[0]!)).toContain('all=true');
    expect(decodeURIComponent(seen[0]!)).toContain('"label":["tinyforge.managed=true"]');
  });

  it('speaks tcp:// too', async () => {
    const stub = await stubEngine((_req, res) => json(res, 200, []), 'tcp');
    close = stub.close;
    expect(await stub.port.list()).toEqual([]);
  });

  it('reports a pull that fails inside an HTTP 200 stream as a failed pull', async () => {
    const stub = await stubEngine((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`${JSON.stringify({ status: 'Pulling from library/nope' })}\n`);
      res.end(
        `${JSON.stringify({
          errorDetail: { message: 'manifest for nope:1 not found' },
          error: 'manifest for nope:1 not found',
        })}\n`,
      );
    });
    close = stub.close;
    await expect(stub.port.pull('nope:1')).rejects.toThrow(
      new ImageUnavailableError('pull of nope:1 failed: manifest for nope:1 not found'),
    );
  });

  it('recognises a name conflict by its message as well as by status 409', async () => {
    const stub = await stubEngine((_req, res) =>
      json(res, 500, {
        message: 'Conflict. The container name "/tf-web-image-1-abcd" is already in use by container "123".',
      }),
    );
    close = stub.close;
    await expect(stub.port.create({ name: 'tf-web-image-1-abcd', spec, labels: {}, env: [] })).rejects.toBeInstanceOf(
      NameConflictError,
    );
  });

  it('counts a 404 and a 409 "removal already in progress" as removed', async () => {
    let status = 404;
    const stub = await stubEngine((_req, res) =>
      json(res, status, {
        message: status === 404 ? 'No such container' : 'removal of container abc is already in progress',
      }),
    );
    close = stub.close;
    await expect(stub.port.remove('abc')).resolves.toBeUndefined();
    status = 409;
    await expect(stub.port.remove('abc')).resolves.toBeUndefined();
  });

  it('gives up on an engine that does not answer, as unreachable, within the deadline', async () => {
    const stub = await stubEngine(() => undefined);
    close = stub.close;
    await expect(stub.port.list()).rejects.toThrow(
      new DockerUnreachableError('Docker did not answer within 1s (list containers)'),
    );
  });

  it('reports a list the engine answers with an error (HTTP 500) as a failed list, like no answer', async () => {
    const stub = await stubEngine((_req, res) => json(res, 500, { message: 'Something went wrong.' }));
    close = stub.close;
    const failed = await stub.port.list().catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(DockerUnreachableError);
    expect((failed as Error).message).toContain('Something went wrong.');
  });

  it('says unreachable when there is no socket at all', async () => {
    const port = new DockerodePort({
      host: 'unix:///nonexistent/docker.sock',
      timeoutMs: 1000,
      scope: { policy: DEFAULT_POLICY, manifestDir: '/srv' },
    });
    await expect(port.list()).rejects.toBeInstanceOf(DockerUnreachableError);
  });
});
