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

describe('run --once against an engine that answers the list with HTTP 500', () => {
  let dir = '';
  let server: http.Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
    removeFixtureDir(dir);
  });

  it('exits 3 (Docker unreachable) and writes the state with the error, as for no answer', async () => {
    dir = makeFixtureDir({ 'manifests/web.yaml': imageManifest('web') });
    const socket = path.join(dir, 'docker.sock');
    server = http.createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Something went wrong.' }));
    });
    await new Promise<void>((resolve) => server!.listen(socket, resolve));

    const result = await runAsync(['run', '--once', '--docker-host', `unix://${socket}`], dir);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('tinyforge: Docker is unreachable: list containers: Something went wrong.');
    const state = JSON.parse(fs.readFileSync(path.join(dir, '.tinyforge/state.json'), 'utf8'));
    expect(state.controller.docker).toMatchObject({
      reachable: false,
      lastError: 'list containers: Something went wrong.',
    });
  });
});
