import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { controlSocketPath, startControlServer } from '../../src/adapters/control-server.js';
import type { ControlServer } from '../../src/adapters/control-server.js';
import { askController } from '../../src/app-control.js';
import { runCli } from '../../src/cli/cli.js';
import { capturedOutput } from '../support/state-fixture.js';

describe('the control socket path', () => {
  it('is control.sock beside state.json, and one of its own beside a state file of another name', () => {
    expect(controlSocketPath('/srv/app/.tinyforge/state.json')).toBe('/srv/app/.tinyforge/control.sock');
    expect(controlSocketPath('/srv/app/.tinyforge/prod.json')).toBe('/srv/app/.tinyforge/prod.control.sock');
    expect(controlSocketPath('/srv/app/.tinyforge/staging.json')).toBe('/srv/app/.tinyforge/staging.control.sock');
  });
});

/** The control socket's protocol (POST /v1/<action> with {"name"}), its client, and the commands without a controller. */
describe('the control protocol', () => {
  let dir = '';
  let server: ControlServer | undefined;
  afterEach(() => {
    server?.close();
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const socketIn = () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-control-'));
    return path.join(dir, 'control.sock');
  };

  function post(socketPath: string, url: string, body: string): Promise<{ status: number; body: unknown }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ socketPath, method: 'POST', path: url }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('hands a well-formed request to the handler and answers its reply; refuses anything else with the form expected', async () => {
    const socket = socketIn();
    const asked: string[] = [];
    server = await startControlServer(socket, async (action, name) => {
      asked.push(`${action} ${name}`);
      return { status: 200, reply: { ok: true, workload: 'image/web', phase: 'Ready', message: '1/1 running' } };
    });
    expect(await askController(socket, 'suspend', 'web', 5000)).toEqual({
      ok: true,
      workload: 'image/web',
      phase: 'Ready',
      message: '1/1 running',
    });
    expect(asked).toEqual(['suspend web']);
    expect(await post(socket, '/v1/restart', '{"name":"web"}')).toMatchObject({
      status: 404,
      body: { ok: false, message: 'expected POST /v1/reconcile|suspend|resume' },
    });
    expect(await post(socket, '/v1/reconcile', 'web')).toMatchObject({ status: 400, body: { ok: false } });
    expect(await post(socket, '/v1/reconcile', '{"name":""}')).toMatchObject({ status: 400 });
    expect(asked).toHaveLength(1);
  });

  it('a handler that throws answers 500 with its message', async () => {
    const socket = socketIn();
    server = await startControlServer(socket, async () => {
      throw new Error('broken');
    });
    expect(await askController(socket, 'reconcile', 'web', 5000)).toMatchObject({ ok: false, message: 'broken' });
  });

  it('refuses to replace what is not a socket, and a path too long for one', async () => {
    const socket = socketIn();
    fs.writeFileSync(socket, 'mine');
    await expect(startControlServer(socket, async () => ({}) as never)).rejects.toThrow('is not a socket');
    expect(fs.readFileSync(socket, 'utf8')).toBe('mine');
    const long = path.join(dir, `${'x'.repeat(120)}.sock`);
    await expect(startControlServer(long, async () => ({}) as never)).rejects.toThrow('more than a unix socket');
  });

  it('a controller that never answers fails the request within its timeout', async () => {
    const socket = socketIn();
    const silent = net.createServer(() => undefined).listen(socket);
    try {
      await new Promise((resolve) => silent.once('listening', resolve));
      await expect(askController(socket, 'reconcile', 'web', 300)).rejects.toThrow('did not answer within 0.3s');
    } finally {
      silent.close();
    }
  });

  it('without a controller the commands exit 1 naming the state file and the socket; a missing NAME is usage', async () => {
    const socket = socketIn();
    const state = path.join(dir, 'state.json');
    for (const command of ['reconcile', 'suspend', 'resume']) {
      const output = capturedOutput();
      expect(await runCli([command, 'web', '--state', state], output)).toBe(1);
      expect(output.stderr.join('\n')).toBe(
        `tinyforge ${command}: no controller is running for the state file ${state} (nothing listens on ${socket}); start one with 'tinyforge run'`,
      );
    }
    const output = capturedOutput();
    expect(await runCli(['suspend', '--state', state], output)).toBe(2);
    expect(output.stderr.join('\n')).toContain('takes one NAME (got 0)');
  });
});
