import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { BIN } from '../support/run-cli.js';

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

describe('the bundled docker-modem formats a request for its debug log only when that log is on', () => {
  let dir = '';
  let server: http.Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
    removeFixtureDir(dir);
  });

  it('no deep inspect of a request without DEBUG; one per request with DEBUG=modem', async () => {
    dir = makeFixtureDir({ 'manifests/web.yaml': imageManifest('web'), 'counter.cjs': COUNTER });
    const socket = path.join(dir, 'docker.sock');
    let requests = 0;
    server = http.createServer((_req, res) => {
      requests++;
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Something went wrong.' }));
    });
    await new Promise<void>((resolve) => server!.listen(socket, resolve));

    expect(await deepInspects(dir, socket, { DEBUG: '' })).toBe(0);
    const quietRequests = requests;
    expect(quietRequests).toBeGreaterThan(0);
    // The same run with docker-modem's log on: the counter sees the formatting it skipped.
    expect(await deepInspects(dir, socket, { DEBUG: 'modem' })).toBe(requests - quietRequests);
  });
});
