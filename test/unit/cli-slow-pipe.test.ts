import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { BIN, PROJECT_ROOT } from '../support/run-cli.js';
import { TickHarness } from '../support/tick-harness.js';

/**
 * Runs `tinyforge ARGS | (sleep 1; cat)`: a reader slower than the writer, as `jq` on a busy
 * machine is. A pipe holds 64 KiB; what the process still buffers must not be lost at exit.
 */
function throughSlowPipe(args: string[], cwd: string): { stdout: string; code: string } {
  const command = `"${process.execPath}" "${BIN}" ${args.map((a) => `'${a}'`).join(' ')} 2>/dev/null | (sleep 1; cat); echo "exit \${PIPESTATUS[0]}" >&2`;
  const result = spawnSync('bash', ['-c', command], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 30_000,
  });
  return { stdout: result.stdout, code: result.stderr.trim() };
}

describe('output through a slow pipe is whole', () => {
  let dir = '';
  beforeAll(async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) files[`manifests/w${i}.yaml`] = imageManifest(`w${i}`, ['replicas: 2']);
    for (let i = 0; i < 600; i++) files[`broken/b${i}.yaml`] = imageManifest(`b${i}`, ['replicas: many', 'bogus: 1']);
    dir = makeFixtureDir(files);
    const h = new TickHarness(path.join(dir, 'manifests'));
    await h.tick();
    fs.mkdirSync(path.join(dir, '.tinyforge'));
    fs.writeFileSync(path.join(dir, '.tinyforge/state.json'), JSON.stringify(h.state));
  });
  afterAll(() => removeFixtureDir(dir));

  it('validate --json of 600 invalid manifests', () => {
    const { stdout, code } = throughSlowPipe(['validate', '--json', 'broken'], dir);
    expect(stdout.length).toBeGreaterThan(100_000);
    expect(JSON.parse(stdout).problems).toHaveLength(1200);
    expect(code).toBe('exit 1');
  });

  it('status -o json of a large state', () => {
    const { stdout, code } = throughSlowPipe(['status', '-o', 'json'], dir);
    expect(stdout.length).toBeGreaterThan(100_000);
    expect(Object.keys(JSON.parse(stdout))).toHaveLength(400);
    expect(code).toBe('exit 0');
  });

  it('schema, as a file written without a pipe has it', () => {
    const whole = spawnSync(process.execPath, [BIN, 'schema'], { encoding: 'utf8' }).stdout;
    const { stdout, code } = throughSlowPipe(['schema'], dir);
    expect(stdout).toBe(whole);
    expect(JSON.parse(stdout)).toHaveProperty('$defs');
    expect(code).toBe('exit 0');
  });

  it('a reader that goes away early is no error: the command keeps its exit code, no trace', () => {
    for (const reader of ['(exec 0<&-; sleep 0.3)', 'head -c 10 >/dev/null']) {
      const command = `"${process.execPath}" "${BIN}" validate --json broken | ${reader}; echo "exit \${PIPESTATUS[0]}"`;
      const result = spawnSync('bash', ['-c', command], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      expect(result.stdout.trim(), reader).toBe('exit 1');
      expect(result.stderr, reader).not.toMatch(/EPIPE|Unhandled|internal error/);
    }
  });

  it('every command ends through the same exit: 300 KB written just before it arrive whole', () => {
    const output = pathToFileURL(path.join(PROJECT_ROOT, 'dist/cli/output.js')).href;
    const script = `import('${output}').then((m) => { process.stdout.write('x'.repeat(300000)); m.exitAfterOutput(3); })`;
    const command = `"${process.execPath}" -e "${script}" | (sleep 1; wc -c); echo "exit \${PIPESTATUS[0]}"`;
    const result = spawnSync('bash', ['-c', command], { encoding: 'utf8', timeout: 30_000 });
    expect(result.stdout.split('\n').map((l) => l.trim())).toEqual(['300000', 'exit 3', '']);
  });
});
