import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { projectManifest } from '../support/fixture-dir.js';
import { BIN } from '../support/run-cli.js';
import { quote, startPane, tmux } from '../support/tmux.js';

describe('tinyforge run --once in a real terminal', () => {
  let project: E2eProject;
  let socket: string;
  afterEach(async () => {
    spawnSync('tmux', ['-S', socket, 'kill-server']);
    await project.cleanup();
  });

  it('says each step as it goes on a terminal, and nothing more when stderr is not one', async () => {
    project = new E2eProject({
      'web.yaml': sleeper('web', ['replicas: 2', 'env: {V: one}']),
      'api.yaml': sleeper('api'),
    });
    socket = path.join(project.dir, 'tmux.sock');
    // A Project whose first slot counts as healthy after running a second: a rollout to wait for.
    const shop = projectManifest('1', ['command: [sleep, "3600"]', 'stopTimeout: 1s', 'rollout: {minReadySeconds: 1}']);
    fs.writeFileSync(path.join(project.dir, 'shop.next'), shop);
    const run = `${quote(process.execPath)} ${quote(BIN)} run --once --name ${project.name}`;
    // First with stderr to a file (3 creates), then on the terminal after an edit (2 recreates) and a new Project.
    const script = [
      `${run} 2>piped.err; echo "piped=$?"`,
      "sed -i 's/V: one/V: two/' manifests/web.yaml; cp shop.next manifests/shop.yaml",
      `${run}; echo "terminal=$?"`,
      'sleep 120',
    ].join('; ');
    expect(startPane(socket, project.dir, script, { ...process.env, DOCKER_HOST: project.host })).toBe('');
    await eventually(
      'both runs to finish',
      () => tmux(socket, 'capture-pane', '-p').includes('terminal='),
      90_000,
      200,
    );
    const screen = tmux(socket, 'capture-pane', '-p', '-S', '-200').split('\n');
    const piped = fs.readFileSync(path.join(project.dir, 'piped.err'), 'utf8');
    expect(piped).toContain('tinyforge: one reconcile pass on manifests');
    // The announcement and the new key's notice, as before: no step.
    expect(piped.trimEnd().split('\n')).toHaveLength(2);
    expect(piped).not.toMatch(/^(creat|start|remov)\w* /m);
    expect(screen.slice(0, screen.indexOf('piped=0'))).toEqual([
      '+ create image/api#1: new replica',
      '+ create image/web#1: new replica',
      '+ create image/web#2: new replica',
      '3 actions applied: 2/2 workloads ready',
    ]);
    const second = screen.slice(screen.indexOf('piped=0') + 1);
    for (const n of [1, 2]) {
      expect(second).toContain(`recreated image/web#${n}`);
      expect(second.filter((l) => new RegExp(`^recreating image/web#${n} \\([123]/3\\)$`).test(l))).toHaveLength(1);
    }
    expect(second).toContain('rollout project/shop:production to blue: waiting for health (0s)');
    expect(second).toContain('routed shop.localhost -> project/shop:production (blue)');
    // Each step is said before the pass's summary.
    const summary = second.indexOf('4 actions applied: 3/3 workloads ready');
    expect(second.findLastIndex((l) => l.startsWith('routed '))).toBeLessThan(summary);
    expect(second).toContain('terminal=0');
  });
});
