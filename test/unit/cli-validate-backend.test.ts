import { afterEach, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { runCli } from '../support/run-cli.js';

describe('tinyforge validate --backend', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('finds placement invalid for the docker backend (the default), naming --backend swarm, and valid for swarm', () => {
    dir = makeFixtureDir({ 'manifests/web.yaml': imageManifest('web', ['placement: {maxReplicasPerNode: 2}']) });
    const problem =
      'manifests/web.yaml:7:3: spec.placement: placement is for Swarm services; run with --backend swarm\n1 problem in 1 file\n';
    expect(runCli(['validate'], { cwd: dir })).toEqual({ code: 1, stdout: '', stderr: problem });
    expect(runCli(['validate', '--backend', 'docker'], { cwd: dir })).toEqual({ code: 1, stdout: '', stderr: problem });
    expect(runCli(['validate', '--backend', 'swarm'], { cwd: dir })).toEqual({
      code: 0,
      stdout: 'valid: 1 workload\n',
      stderr: '',
    });
  });

  it('refuses a backend it does not know as a usage error', () => {
    dir = makeFixtureDir({ 'manifests/web.yaml': imageManifest('web') });
    const result = runCli(['validate', '--backend', 'swam'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--backend must be docker or swarm (got "swam"; did you mean swarm?)');
  });
});
