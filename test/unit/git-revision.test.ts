import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitRevision } from '../../src/adapters/git-revision.js';
import { makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { git } from '../support/git.js';

describe('the revision of the manifest directory', () => {
  let dir = '';
  let savedPath: string | undefined;
  let savedGitDir: string | undefined;
  beforeEach(() => {
    dir = makeFixtureDir({ 'manifests/web.yaml': 'x: 1\n' });
    savedPath = process.env['PATH'];
    savedGitDir = process.env['GIT_DIR'];
  });
  afterEach(() => {
    process.env['PATH'] = savedPath;
    if (savedGitDir === undefined) delete process.env['GIT_DIR'];
    else process.env['GIT_DIR'] = savedGitDir;
    removeFixtureDir(dir);
  });

  /** A `git` first on PATH that notes each start, then hands over to the real one. */
  function countGitStarts(): () => number {
    const bin = path.join(dir, 'bin');
    const log = path.join(dir, 'git-starts.log');
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho start >> '${log}'\nexec '${real}' "$@"\n`, {
      mode: 0o755,
    });
    process.env['PATH'] = `${bin}:${savedPath}`;
    return () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0);
  }

  it('is the commit checked out, from a folder of a work tree', () => {
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'manifests');
    const head = git(dir, 'rev-parse', 'HEAD');
    const starts = countGitStarts();
    expect(gitRevision(path.join(dir, 'manifests'))).toBe(head);
    expect(starts()).toBe(1);
  });

  it('is null outside git, without starting git at all', () => {
    delete process.env['GIT_DIR'];
    const starts = countGitStarts();
    expect(gitRevision(path.join(dir, 'manifests'))).toBeNull();
    expect(starts()).toBe(0);
  });
});
