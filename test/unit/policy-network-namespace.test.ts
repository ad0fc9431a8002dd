import { afterEach, describe, expect, it } from 'vitest';
import { toCreateOptions } from '../../src/adapters/docker-create-options.js';
import { toServiceSpec } from '../../src/adapters/swarm-service-spec.js';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { formatProblem } from '../../src/api/problem.js';
import { loadFromDisk } from '../../src/app.js';
import { containerSpec } from '../../src/reconcile/container-spec.js';
import { makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

/**
 * A network mode `container:<name>` joins another container's network namespace: its
 * sockets and its traffic. Like `pid: host`, only --allow-host-namespaces allows it.
 */
const allowed = { ...DEFAULT_POLICY, allowHostNamespaces: true };
const header = (kind: string) => ['apiVersion: tinyforge.dev/v1', `kind: ${kind}`, 'metadata: {name: app}', 'spec:'];
const compose = (network: string) =>
  [...header('Compose'), '  compose:', '    services:', '      api:', '        image: tinyforge-test/busybox:1']
    .concat(`        network_mode: "${network}"`, '')
    .join('\n');

describe('a network mode joining another container is refused unless the operator allows it', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));
  const load = (files: Record<string, string>, policy = DEFAULT_POLICY) => {
    dir = makeFixtureDir(files);
    return loadFromDisk({ dir }, policy, { cwd: dir });
  };

  it.each(['container:db', 'service:db'])('Compose network_mode "%s": refused, naming the flag', (network) => {
    const load1 = load({ 'app.yaml': compose(network) });
    expect(load1.problems.map(formatProblem)).toEqual([
      `app.yaml:9:23: spec.compose.services.api.network_mode: joining another container's network namespace (${network}) is not allowed; the operator can allow it with --allow-host-namespaces`,
    ]);
    expect(load1.workloads).toEqual([]);
  });

  it('Compose in a file of its own: refused the same way', () => {
    const file = ['services:', '  api:', '    image: tinyforge-test/busybox:1', '    network_mode: container:db', ''];
    const problems = load({
      'app.yaml': [...header('Compose'), '  file: app.compose.yaml', ''].join('\n'),
      'app.compose.yaml': file.join('\n'),
    }).problems;
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/network_mode: joining another container's network namespace.*--allow-host-namespaces$/),
    ]);
  });

  it('Compose with --allow-host-namespaces: valid', () => {
    const result = load({ 'app.yaml': compose('container:db') }, allowed);
    expect(result.problems).toEqual([]);
    expect(result.workloads.map((w) => w.id)).toEqual(['compose/app']);
  });

  it.each([
    ['Image', ['  image: tinyforge-test/busybox:1', '  network: "container:db"']],
    ['Stack', ['  services:', '    api:', '      image: tinyforge-test/busybox:1', '      network: "container:db"']],
    ['Static', ['  path: site', '  port: 80', '  network: "container:db"']],
    [
      'Project',
      ['  image: tinyforge-test/busybox', '  port: 80', '  network: "container:db"', '  stages: [{name: a, tag: "1"}]'],
    ],
  ])('%s: its network field cannot name a container at all', (kind, spec) => {
    const problems = load(
      { 'app.yaml': [...header(kind), ...spec, ''].join('\n'), 'site/index.html': 'hi' },
      allowed,
    ).problems;
    expect(problems.map((p) => p.message)).toContainEqual(
      expect.stringMatching(/network must be bridge, host, none or a network name/),
    );
  });
});

describe('the same rule where the request is built, whatever path led there (guarantee 10)', () => {
  const spec = containerSpec({
    fields: { image: 'tinyforge-test/busybox:1', network: 'container:db' },
    metadataLabels: undefined,
    references: [],
    dir: '/srv/manifests',
    digest: () => '',
  });
  const request = { name: 'tf-app-api-1', spec, labels: {}, env: [] };
  const scope = { policy: DEFAULT_POLICY, manifestDir: '/srv/manifests' };
  const refusal = 'network container:db is not allowed; the operator can allow it with --allow-host-namespaces';

  it('a container: refused, and with the flag Docker is asked for it', () => {
    expect(() => toCreateOptions(request, scope)).toThrow(refusal);
    expect(toCreateOptions(request, { ...scope, policy: allowed }).HostConfig?.NetworkMode).toBe('container:db');
  });

  it('a Swarm service: refused the same way', () => {
    const swarm = {
      ...request,
      replicas: 1,
      update: { order: 'stop-first' as const, monitorMs: 5000 },
      placement: null,
    };
    expect(() => toServiceSpec(swarm, scope)).toThrow(refusal);
  });
});
