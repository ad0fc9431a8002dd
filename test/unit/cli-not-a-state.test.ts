import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeFixtureDir } from '../support/fixture-dir.js';
import { folderWithState, NOT_A_STATE } from '../support/not-a-state.js';
import { runCli } from '../support/run-cli.js';

const NO_DOCKER = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

describe('the commands, on a state file that parses but is not a state', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it.each(NOT_A_STATE)(
    'status says $name is not a tinyforge state, and where, with exit 1',
    async ({ spoil, problem }) => {
      ({ dir } = await folderWithState(spoil));
      const result = runCli(['status'], { cwd: dir });
      expect(result).toMatchObject({ code: 1, stdout: '' });
      expect(result.stderr).toBe(`tinyforge: state file .tinyforge/state.json is not a tinyforge state: ${problem}\n`);
    },
  );

  it.each(NOT_A_STATE)('wait ends at once on $name with exit 1, saying why', async ({ spoil, problem }) => {
    ({ dir } = await folderWithState(spoil));
    const started = Date.now();
    const result = runCli(['wait', 'web', '--state', '.tinyforge/state.json', '--timeout', '20s'], { cwd: dir });
    expect(result).toMatchObject({
      code: 1,
      stderr: `tinyforge: state file .tinyforge/state.json is not a tinyforge state: ${problem}\n`,
    });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('plan does not crash, leaves the file alone and says why it plans from nothing', async () => {
    let file: string;
    ({ dir, file } = await folderWithState(() => ({})));
    const result = runCli(['plan'], { cwd: dir, env: NO_DOCKER });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(
      `tinyforge: state file ${file} is not a tinyforge state: $: missing required fields`,
    );
    expect(result.stderr).toContain('Docker is unreachable');
    expect(fs.readFileSync(file, 'utf8')).toBe('{}');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['state.json']);
  });

  it('run --once moves it aside, says why, and writes a state again', async () => {
    let file: string;
    ({ dir, file } = await folderWithState(() => ({ workloads: [] })));
    const result = runCli(['run', '--once'], { cwd: dir, env: NO_DOCKER });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(
      /state file was corrupt: moved to .*state\.json\.corrupt-\S+, rebuilding from owned containers and manifests \(it is not a tinyforge state: \$: missing required fields "apiVersion", "kind", "controller", "invalid", "foreign", "events"; \$\.workloads: must be a map \(got a list\)\)/,
    );
    const aside = fs.readdirSync(path.dirname(file)).filter((f) => f.includes('.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(runCli(['status'], { cwd: dir })).toMatchObject({ code: 0 });
  });
});
