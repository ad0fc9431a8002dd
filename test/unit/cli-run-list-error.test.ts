import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { BIN } from '../support/run-cli.js';

/** Runs the built binary without blocking this process, so a stub engine in it can answer. */
function runAsync(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** A stub engine on `socket` that answers every request with HTTP 500; `requests` counts them. */
async function failingEngine(socket: string): Promise<http.Server & { requests: number }> {
  const server = Object.assign(
    http.createServer((_req, res) => {
      server.requests++;
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Something went wrong.' }));
    }),
    { requests: 0 },
  );
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return server;
}

/** Counts the deep `util.inspect` calls (showHidden, as docker-modem's debug line makes) of the process it is loaded in. */
const COUNTER = [
  "const fs = require('node:fs');",
  "const util = require('node:util');",
  'const inspect = util.inspect;',
  'let deep = 0;',
  'util.inspect = function (value, options) {',
  "  if (options && typeof options === 'object' && options.showHidden) deep++;",
  '  return inspect.apply(this, arguments);',
  '};',
  "process.on('exit', () => fs.writeFileSync(process.env.INSPECT_COUNT_FILE, String(deep)));",
].join('\n');

/** The built bin's `run --once` against `socket`, with the counter loaded; the deep inspects it made. */
function deepInspects(dir: string, socket: string, env: NodeJS.ProcessEnv): Promise<number> {
  const countFile = path.join(dir, 'count');
  const args = ['--require', path.join(dir, 'counter.cjs'), BIN, 'run', '--once', '--docker-host', `unix://${socket}`];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: dir,
      env: { ...process.env, ...env, INSPECT_COUNT_FILE: countFile },
    });
    child.on('error', reject);
    child.on('close', () => resolve(Number(fs.readFileSync(countFile, 'utf8'))));
  });
}

describe('run --once against an engine that answers every request with HTTP 500', () => {
  let dir = '';
  let server: http.Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
    removeFixtureDir(dir);
  });
  const setUp = async () => {
    dir = makeFixtureDir({ 'manifests/web.yaml': imageManifest('web'), 'counter.cjs': COUNTER });
    const socket = path.join(dir, 'docker.sock');
    const engine = await failingEngine(socket);
    server = engine;
    return { socket, engine };
  };

  it('exits 3 (Docker unreachable) and writes the state with the error, as for no answer', async () => {
    const { socket } = await setUp();

    const result = await runAsync(['run', '--once', '--docker-host', `unix://${socket}`], dir);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('tinyforge: Docker is unreachable: list containers: Something went wrong.');
    const state = JSON.parse(fs.readFileSync(path.join(dir, '.tinyforge/state.json'), 'utf8'));
    expect(state.controller.docker).toMatchObject({
      reachable: false,
      lastError: 'list containers: Something went wrong.',
    });
  });

  it('the bundled docker-modem formats a request for its debug log only when that log is on (DEBUG=modem)', async () => {
    const { socket, engine } = await setUp();

    expect(await deepInspects(dir, socket, { DEBUG: undefined })).toBe(0);
    expect(await deepInspects(dir, socket, { DEBUG: '' })).toBe(0);
    const quietRequests = engine.requests;
    expect(quietRequests).toBeGreaterThan(0);
    // The same run with docker-modem's log on: the counter sees the formatting it skipped.
    expect(await deepInspects(dir, socket, { DEBUG: 'modem' })).toBe(engine.requests - quietRequests);
  });
});
