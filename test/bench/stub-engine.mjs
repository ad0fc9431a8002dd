// A simulated Docker engine for benchmarks beyond what this machine can run: the parts
// of the Engine API tinyforge uses (list, create, start, stop, remove, image inspect,
// events), in memory, over a unix socket. Containers "run" instantly; the list answer
// is real JSON of the real shape, so the controller's own costs are what is measured.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

export async function startStubEngine() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-stub-'));
  const socket = path.join(dir, 'docker.sock');
  const containers = new Map();
  let next = 1;
  const calls = {};
  const count = (what) => (calls[what] = (calls[what] ?? 0) + 1);
  const body = (req) =>
    new Promise((resolve) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => resolve(text ? JSON.parse(text) : {}));
    });
  const send = (res, status, value) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(value === undefined ? '' : JSON.stringify(value));
  };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://stub');
    const parts = url.pathname
      .replace(/^\/v[\d.]+/, '')
      .split('/')
      .filter(Boolean);
    if (req.method === 'GET' && url.pathname.endsWith('/containers/json')) {
      count('list');
      const filters = JSON.parse(url.searchParams.get('filters') ?? '{}');
      const wanted = (filters.label ?? []).map((l) => l.split('='));
      const list = [...containers.values()].filter((c) => wanted.every(([k, v]) => c.Labels[k] === v));
      return send(res, 200, list);
    }
    if (req.method === 'POST' && parts[0] === 'containers' && parts[1] === 'create') {
      count('create');
      const spec = await body(req);
      const name = url.searchParams.get('name');
      if ([...containers.values()].some((c) => c.Names[0] === `/${name}`))
        return send(res, 409, { message: `Conflict. The container name "/${name}" is already in use` });
      const id = String(next++).padStart(64, '0');
      containers.set(id, {
        Id: id,
        Names: [`/${name}`],
        Image: spec.Image,
        ImageID: 'sha256:stub',
        Command: (spec.Cmd ?? []).join(' '),
        Created: Math.floor(Date.now() / 1000),
        Ports: [],
        Labels: spec.Labels ?? {},
        State: 'created',
        Status: 'Created',
        HostConfig: { NetworkMode: spec.HostConfig?.NetworkMode ?? 'default' },
        NetworkSettings: { Networks: {} },
        Mounts: [],
      });
      return send(res, 201, { Id: id, Warnings: [] });
    }
    if (parts[0] === 'containers' && parts[1]) {
      const c = containers.get(parts[1]);
      if (!c) return send(res, 404, { message: `No such container: ${parts[1]}` });
      if (req.method === 'POST' && parts[2] === 'start') {
        count('start');
        c.State = 'running';
        c.Status = 'Up Less than a second';
        return send(res, 204);
      }
      if (req.method === 'POST' && parts[2] === 'stop') {
        count('stop');
        c.State = 'exited';
        c.Status = 'Exited (0) Less than a second ago';
        return send(res, 204);
      }
      if (req.method === 'DELETE') {
        count('remove');
        containers.delete(parts[1]);
        return send(res, 204);
      }
    }
    if (req.method === 'GET' && parts[0] === 'images') {
      count('imageInspect');
      return send(res, 200, { Id: 'sha256:stub' });
    }
    if (req.method === 'GET' && parts[0] === 'events') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return; // an idle event stream, held open
    }
    send(res, 404, { message: `stub engine: ${req.method} ${url.pathname} not simulated` });
  });
  await new Promise((resolve) => server.listen(socket, resolve));
  return {
    host: `unix://${socket}`,
    calls,
    containers,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
