import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonProcess, eventually, finishDaemonTest } from '../support/daemon-process.js';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { git } from '../support/git.js';
import { runCli } from '../support/run-cli.js';

describe('the long-running controller and git', () => {
  let project: E2eProject;
  let daemon: DaemonProcess | undefined;
  afterEach(() => finishDaemonTest(daemon, project).finally(() => (daemon = undefined)));

  it('converges a checkout that switches 20 manifests at once, never pruning what both commits hold', async () => {
    const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
    const stable = names('s', 4);
    const modified = names('m', 6);
    const removed = names('r', 7);
    const added = names('n', 7);
    project = new E2eProject();
    git(project.manifests, 'init', '-q', '-b', 'main');
    for (const n of [...stable, ...modified, ...removed]) project.write(`${n}.yaml`, sleeper(n));
    git(project.manifests, 'add', '-A');
    git(project.manifests, 'commit', '-qm', 'first');
    const first = git(project.manifests, 'rev-parse', 'HEAD');
    git(project.manifests, 'checkout', '-qb', 'second');
    for (const n of modified) project.write(`${n}.yaml`, sleeper(n, ['env: {VERSION: "2"}']));
    for (const n of removed) project.remove(`${n}.yaml`);
    for (const n of added) project.write(`${n}.yaml`, sleeper(n));
    git(project.manifests, 'add', '-A');
    git(project.manifests, 'commit', '-qm', 'second');
    const second = git(project.manifests, 'rev-parse', 'HEAD');
    git(project.manifests, 'checkout', '-q', 'main');

    daemon = new DaemonProcess(project);
    const ready = (ids: string[], revision: string) => () => {
      if (!fs.existsSync(project.stateFile)) return false;
      const state = project.state();
      return (
        state.controller.revision === revision && ids.every((n) => state.workloads[`image/${n}`]?.phase === 'Ready')
      );
    };
    await eventually('the first commit converged', ready([...stable, ...modified, ...removed], first), 60_000, 100);
    const stableIds = (await project.containers())
      .filter((c) => stable.some((n) => c.Names[0]!.includes(`-${n}-`)))
      .map((c) => c.Id);
    const since = (Date.now() / 1000).toFixed(3);

    git(project.manifests, 'checkout', '-q', 'second');
    await eventually('the second commit converged', ready([...stable, ...modified, ...added], second), 60_000, 100);
    await eventually(
      'the removed workloads pruned',
      // After the deletion grace; the pass's plan lines are printed when it ends, after the removals.
      async () =>
        removed.every((n) => daemon?.stdout.includes(`- remove image/${n}#1: manifest deleted`) === true) &&
        (await project.containers()).every((c) => !removed.some((n) => c.Names[0]!.includes(`-${n}-`))),
      30_000,
      100,
    );

    const after = await project.containers();
    expect(
      after
        .filter((c) => stable.some((n) => c.Names[0]!.includes(`-${n}-`)))
        .map((c) => c.Id)
        .sort(),
    ).toEqual([...stableIds].sort());
    expect(after).toHaveLength(stable.length + modified.length + added.length);
    // Each line as the controller says it, after its time and level.
    const lines = daemon.stdout.split('\n').map((line) => line.replace(/^\S+Z info {2}/, ''));
    for (const n of [...stable, ...modified])
      expect(lines.filter((l) => l.startsWith(`- remove image/${n}#`))).toEqual([]);
    for (const n of modified) expect(lines).toContain(`~ recreate image/${n}#1: env.VERSION added`);
    for (const n of removed) expect(lines).toContain(`- remove image/${n}#1: manifest deleted`);
    const destroyed = (await project.events(since, ['destroy'])).map((e) => e.attributes['tinyforge.workload.name']);
    expect(destroyed.filter((n) => stable.includes(n!))).toEqual([]);
    const state = project.state();
    expect(state.workloads['image/s1']?.lastAppliedRevision).toBe(second);
  });

  it('runs the GitOps walkthrough: push to a bare repository, its hook checks out, the controller applies it', async () => {
    project = new E2eProject();
    fs.rmSync(project.manifests, { recursive: true });
    const bare = path.join(project.dir, 'manifests.git');
    const clone = path.join(project.dir, 'clone');
    git(project.dir, 'init', '-q', '--bare', '-b', 'main', bare);
    // The hook from the README, as written there.
    fs.writeFileSync(
      path.join(bare, 'hooks', 'post-receive'),
      `#!/bin/sh
# Check the pushed main branch out into the manifest directory.
set -e
DIR="${project.manifests}"
while read -r old new ref; do
  [ "$ref" = refs/heads/main ] || continue
  mkdir -p "$DIR"
  git --work-tree="$DIR" --git-dir="$PWD" checkout -f main
  printf 'gitdir: %s\\n' "$PWD" > "$DIR/.git"
done
`,
      { mode: 0o755 },
    );
    git(project.dir, 'clone', '-q', bare, clone);
    fs.writeFileSync(path.join(clone, 'web.yaml'), sleeper('web', ['replicas: 2']));
    git(clone, 'add', '-A');
    git(clone, 'commit', '-qm', 'web, two replicas');
    git(clone, 'push', '-q', 'origin', 'HEAD:main');
    const pushed = git(clone, 'rev-parse', 'HEAD');

    daemon = new DaemonProcess(project);
    const wait = runCli(['wait', 'web', '--timeout', '30s'], { cwd: project.dir });
    expect(wait.code, wait.stderr).toBe(0);
    expect(wait.stdout).toContain(`image/web: Ready at generation 1 (revision ${pushed.slice(0, 12)})`);
    const state = project.state();
    expect(state.controller.revision).toBe(pushed);
    expect(state.workloads['image/web']).toMatchObject({
      phase: 'Ready',
      lastAppliedRevision: pushed,
      replicas: { desired: 2, running: 2, updated: 2 },
    });

    fs.writeFileSync(path.join(clone, 'web.yaml'), sleeper('web', ['replicas: 3']));
    git(clone, 'commit', '-qam', 'three replicas');
    git(clone, 'push', '-q', 'origin', 'HEAD:main');
    const next = git(clone, 'rev-parse', 'HEAD');
    const again = runCli(['wait', 'image/web', '--timeout', '30s'], { cwd: project.dir });
    expect(again.code, again.stderr).toBe(0);
    expect(project.state().workloads['image/web']).toMatchObject({
      lastAppliedRevision: next,
      replicas: { desired: 3, running: 3 },
    });
  });
});
