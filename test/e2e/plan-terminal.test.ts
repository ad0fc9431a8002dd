import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { BIN } from '../support/run-cli.js';
import { quote, startPane, tmux } from '../support/tmux.js';

const ESC = '\u001b';

describe('tinyforge plan in a real terminal', () => {
  let project: E2eProject;
  let socket: string;
  afterEach(async () => {
    spawnSync('tmux', ['-S', socket, 'kill-server']);
    await project.cleanup();
  });

  it('colours + green on a terminal, and not with NO_COLOR', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web') });
    socket = path.join(project.dir, 'tmux.sock');
    const plan = `${quote(process.execPath)} ${quote(BIN)} plan --name ${project.name}`;
    const script = `${plan}; echo "first=$?"; NO_COLOR=1 ${plan}; echo "second=$?"; sleep 120`;
    // A fixed size, and an environment without the test runner's colour settings.
    expect(startPane(socket, project.dir, script, { ...process.env, DOCKER_HOST: project.host })).toBe('');
    await eventually('both plans to finish', () => tmux(socket, 'capture-pane', '-p').includes('second='), 60_000, 200);
    const screen = tmux(socket, 'capture-pane', '-e', '-p').split('\n');
    const plain = (line: string) => line.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '');
    const creates = screen.filter((line) => plain(line) === '+ create image/web#1: new replica');
    expect(creates).toHaveLength(2);
    expect(creates[0]).toContain(`${ESC}[32m+ create`);
    expect(creates[1]).toBe('+ create image/web#1: new replica');
    expect(screen.filter((line) => /^(first|second)=/.test(line))).toEqual(['first=2', 'second=2']);
  });
});
