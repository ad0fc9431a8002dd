import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { formatProblem } from '../../src/api/problem.js';
import { loadFromDisk } from '../../src/app.js';
import { policyFromFlags } from '../../src/cli/policy-flags.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

describe('policy-gated fields pass only with the operator flag that allows them', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  const gated = imageManifest('web', [
    'privileged: true',
    'capAdd: [NET_ADMIN, CAP_SYS_TIME]',
    'devices: [/dev/fuse]',
    'pid: host',
    'uts: host',
  ]);

  it('each flag lifts exactly its own gate', () => {
    dir = makeFixtureDir({ 'web.yaml': gated });
    const check = (flags: Parameters<typeof policyFromFlags>[0]) =>
      loadFromDisk({ dir }, policyFromFlags(flags, undefined), { cwd: dir }).problems.map((p) => p.path);
    expect(check({})).toEqual([
      '/spec/privileged',
      '/spec/capAdd/0',
      '/spec/capAdd/1',
      '/spec/devices',
      '/spec/pid',
      '/spec/uts',
    ]);
    expect(check({ 'allow-privileged': true })).toEqual([
      '/spec/capAdd/0',
      '/spec/capAdd/1',
      '/spec/devices',
      '/spec/pid',
      '/spec/uts',
    ]);
    expect(check({ 'allow-capabilities': ['net_admin'] })).toContain('/spec/capAdd/1');
    expect(check({ 'allow-capabilities': ['NET_ADMIN,SYS_TIME'] })).not.toContain('/spec/capAdd/1');
    expect(check({ 'allow-devices': true })).not.toContain('/spec/devices');
    expect(check({ 'allow-host-namespaces': true })).toEqual([
      '/spec/privileged',
      '/spec/capAdd/0',
      '/spec/capAdd/1',
      '/spec/devices',
    ]);
    const all = check({
      'allow-privileged': true,
      'allow-capabilities': ['ALL'],
      'allow-devices': true,
      'allow-host-namespaces': true,
    });
    expect(all).toEqual([]);
  });

  it('a host path outside the directory passes with --allow-host-paths, the Docker socket never', () => {
    const outside = makeFixtureDir({ 'data/x': 'x' });
    try {
      dir = makeFixtureDir({
        'web.yaml': imageManifest('web', [
          'volumes:',
          `  - {hostPath: ${outside}/data, target: /data}`,
          '  - {hostPath: /var/run/docker.sock, target: /sock}',
        ]),
      });
      const flags = { 'allow-host-paths': [outside, '/var/run', '/run'] };
      const problems = loadFromDisk({ dir }, policyFromFlags(flags, undefined), { cwd: dir }).problems.map(
        formatProblem,
      );
      expect(problems).toEqual([
        'web.yaml:9:18: spec.volumes[1].hostPath: the Docker socket can never be mounted ("/var/run/docker.sock")',
      ]);
    } finally {
      removeFixtureDir(outside);
    }
  });

  it('the socket named by DOCKER_HOST is never mountable either', () => {
    dir = makeFixtureDir({ 'engine/docker.sock': '' });
    fs.writeFileSync(
      path.join(dir, 'web.yaml'),
      imageManifest('web', ['volumes: [{hostPath: engine, target: /engine}]']),
    );
    const policy = policyFromFlags({}, `unix://${path.join(dir, 'engine/docker.sock')}`);
    expect(loadFromDisk({ dir }, policy, { cwd: dir }).problems.map((p) => p.message)).toEqual([
      'spec.volumes[0].hostPath: the Docker socket can never be mounted ("engine")',
    ]);
    expect(loadFromDisk({ dir }, DEFAULT_POLICY, { cwd: dir }).problems).toEqual([]);
  });
});
