import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonProcess, eventually, finishDaemonTest } from '../support/daemon-process.js';
import { E2eProject, sleeper } from '../support/e2e-project.js';

const SECRET = 'e2e-notify-secret';

describe('--notify against the real engine', () => {
  let project: E2eProject;
  let daemon: DaemonProcess | undefined;
  let server: http.Server | undefined;
  afterEach(async () => {
    await finishDaemonTest(daemon, project).finally(() => (daemon = undefined));
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it('a workload that turns Degraded is POSTed, signed, and so is its return to Ready', async () => {
    const received: { body: string; signature: string | undefined }[] = [];
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ body, signature: req.headers['x-tinyforge-signature'] as string | undefined });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

    project = new E2eProject({ 'web.yaml': sleeper('web', ['restart: "no"']) });
    daemon = new DaemonProcess(project, ['--notify', url, '--notify-secret', SECRET]);
    const phase = () => (fs.existsSync(project.stateFile) ? project.state().workloads['image/web']?.phase : undefined);
    await eventually('web Ready', () => phase() === 'Ready', 15_000, 100);

    // A release whose program dies at once: Degraded.
    project.write(
      'web.yaml',
      sleeper('web', ['restart: "no"']).replace('command: [sleep, "3600"]', 'command: [sh, -c, "exit 3"]'),
    );
    const bodies = () => received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    await eventually('the Degraded notification', () => bodies().some((b) => b['phase'] === 'Degraded'), 15_000, 50);
    // The fix: back to a program that runs.
    project.write('web.yaml', sleeper('web', ['restart: "no"']));
    await eventually('the Ready notification', () => bodies().some((b) => b['phase'] === 'Ready'), 15_000, 50);
    expect(await daemon.stop()).toBe(0);

    // Between the two a CrashLoop may be told too (the dying program uses up its restarts): no exact count.
    const said = bodies();
    expect(said[0]).toMatchObject({
      ...{ controller: project.name, workload: 'image/web', phase: 'Degraded', previousPhase: 'Ready' },
      revision: null,
    });
    expect(said[0]!['message']).toContain('0/1 running');
    expect(said.at(-1)).toMatchObject({
      ...{ controller: project.name, workload: 'image/web', phase: 'Ready', previousPhase: 'Degraded' },
      reason: 'AllReplicasRunning',
    });
    for (const { body, signature } of received)
      expect(signature).toBe(`sha256=${crypto.createHmac('sha256', SECRET).update(body).digest('hex')}`);
  });
});
