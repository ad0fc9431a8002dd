import { afterEach, describe, expect, it } from 'vitest';
import { toServiceSpec } from '../../src/adapters/swarm-service-spec.js';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { loadFromDisk } from '../../src/app.js';
import { specHash } from '../../src/reconcile/canonical-json.js';
import { containerSpec } from '../../src/reconcile/container-spec.js';
import { specChanges } from '../../src/reconcile/spec-changes.js';
import type { ServiceRequest } from '../../src/reconcile/swarm-port.js';
import { FakeSwarm } from '../support/fake-swarm.js';
import { imageManifest, makeFixtureDir, removeFixtureDir, staticManifest } from '../support/fixture-dir.js';
import { SwarmHarness } from '../support/swarm-harness.js';

/** A cluster in memory that keeps each request, and takes a while to create a service when told to. */
class RecordingSwarm extends FakeSwarm {
  readonly sent: ServiceRequest[] = [];
  createDelayMs = 0;

  override async createService(request: ServiceRequest): Promise<string> {
    this.sent.push(request);
    const id = await super.createService(request);
    await new Promise((resolve) => setTimeout(resolve, this.createDelayMs));
    this.calls.push(`created ${request.name}`);
    return id;
  }
}

const HOST = ['command: [sleep, "3600"]', 'network: host'];
const PLACEMENT = [
  'placement:',
  '  constraints: ["node.labels.disk==ssd"]',
  '  maxReplicasPerNode: 2',
  '  preferences: [{spread: node.labels.zone}]',
];

const specOf = (fields: Record<string, unknown>) =>
  containerSpec({ fields, metadataLabels: undefined, references: [], dir: '/srv/manifests', digest: () => '' });
const FIELDS = {
  image: 'tinyforge-test/busybox:1',
  command: ['sleep', '3600'],
  network: 'host',
  replicas: 2,
  ports: [{ container: 80, host: 8080, hostIP: '0.0.0.0' }],
  env: { A: 'b' },
};

describe('placement and publishMode in the container spec', () => {
  it('leave the spec hash of a manifest without them as it was', () => {
    // The hash this spec had before placement and publishMode existed: no container is recreated by them.
    expect(specHash(specOf(FIELDS))).toBe('5daea48e6db18adf');
    const hostMode = { ...FIELDS, ports: [{ ...FIELDS.ports[0], publishMode: 'host' }] };
    expect(specHash(specOf(hostMode))).toBe('5daea48e6db18adf');
  });

  it('are in the spec, defaults filled in, when the manifest sets them', () => {
    const spec = specOf({
      ...FIELDS,
      ports: [{ ...FIELDS.ports[0], publishMode: 'ingress' }],
      placement: { constraints: ['node.role==worker'], preferences: [{ spread: 'node.labels.zone' }] },
    });
    expect(spec.placement).toEqual({
      constraints: ['node.role==worker'],
      maxReplicasPerNode: null,
      spread: ['node.labels.zone'],
    });
    expect(spec.ports[0]!.publishMode).toBe('ingress');
    expect(specHash(spec)).not.toBe('5daea48e6db18adf');
  });

  it('name their change in a plan, added or removed', () => {
    const placed = specOf({ ...FIELDS, placement: { maxReplicasPerNode: 1 } });
    expect(specChanges(specOf(FIELDS), placed)).toEqual(['placement changed']);
    expect(specChanges(placed, specOf(FIELDS))).toEqual(['placement changed']);
  });

  it('publish a port through the routing mesh only when it says ingress', () => {
    const port = { container: 80, host: 8080, hostIP: '0.0.0.0', protocol: 'tcp' as const };
    const spec = {
      ...specOf(FIELDS),
      ports: [
        { ...port, publishMode: 'ingress' as const },
        { ...port, container: 81 },
      ],
    };
    const request: ServiceRequest = {
      name: 'tf-web-image',
      spec,
      replicas: 1,
      labels: {},
      env: [],
      update: { order: 'stop-first', monitorMs: 5000 },
      placement: null,
    };
    const service = toServiceSpec(request, { policy: DEFAULT_POLICY, manifestDir: '/srv/manifests' });
    expect(service.EndpointSpec?.Ports?.map((p) => [p.TargetPort, p.PublishMode])).toEqual([
      [80, 'ingress'],
      [81, 'host'],
    ]);
  });
});

describe('fields only a Swarm service has', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  const load = (backend?: 'docker' | 'swarm') =>
    loadFromDisk({ dir }, DEFAULT_POLICY, { cwd: dir, ...(backend ? { backend } : {}) });

  it('are invalid under the docker backend, each named with the flag, and valid under swarm', () => {
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', [
        'command: [sleep, "3600"]',
        'placement: {maxReplicasPerNode: 1}',
        'ports: [{container: 80, host: 8080, hostIP: 0.0.0.0, publishMode: ingress}]',
      ]),
    });
    const docker = load();
    expect(docker.workloads).toEqual([]);
    expect(docker.invalidIds).toEqual(['image/web']);
    expect(docker.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`)).toEqual([
      'web.yaml:8:3: spec.placement: placement is for Swarm services; run with --backend swarm',
      "web.yaml:9:56: spec.ports[0].publishMode: Swarm's ingress publish mode is for Swarm services; run with --backend swarm",
    ]);
    expect(load('docker').problems).toEqual(docker.problems);
    const swarm = load('swarm');
    expect([swarm.problems, swarm.workloads.map((w) => w.id)]).toEqual([[], ['image/web']]);
  });

  it('publishMode host is the default and valid anywhere; placement is checked in Swarm syntax', () => {
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', ['ports: [{container: 80, host: 8080, publishMode: host}]']),
      'api.yaml': imageManifest('api', [...HOST, 'placement: {constraints: [worker], maxReplicasPerNode: 0}']),
    });
    expect(load('docker').problems.map((p) => p.file)).toEqual(['api.yaml', 'api.yaml']);
    expect(load('swarm').problems.map((p) => p.path)).toEqual([
      '/spec/placement/constraints/0',
      '/spec/placement/maxReplicasPerNode',
    ]);
  });
});

describe('the swarm backend places services', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it("passes a manifest's placement to Swarm", async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...HOST, ...PLACEMENT]) });
    const h = new SwarmHarness(dir, new RecordingSwarm());
    await h.tick();
    expect(h.swarm.sent.map((r) => r.placement)).toEqual([
      { constraints: ['node.labels.disk==ssd'], maxReplicasPerNode: 2, spread: ['node.labels.zone'] },
    ]);
  });

  it("pins a Static to the controller's own node, beside its own placement", async () => {
    dir = makeFixtureDir({
      'docs.yaml': staticManifest(18080, PLACEMENT.slice(0, 2)),
      'site/index.html': 'hello',
    });
    const h = new SwarmHarness(dir, new RecordingSwarm());
    await h.tick();
    expect(h.state.invalid).toEqual([]);
    expect(h.swarm.sent.map((r) => r.placement)).toEqual([
      { constraints: ['node.labels.disk==ssd', 'node.id==node-a'], maxReplicasPerNode: null, spread: [] },
    ]);
  });

  it('creates Stack services in dependsOn order: a level once the one before is created, a level at once', async () => {
    dir = makeFixtureDir({
      'app.yaml': [
        'apiVersion: tinyforge.dev/v1',
        'kind: Stack',
        'metadata: {name: app}',
        'spec:',
        '  services:',
        '    web: {image: tinyforge-test/busybox:1, network: host, dependsOn: [api, cache]}',
        '    api: {image: tinyforge-test/busybox:1, network: host, dependsOn: [db]}',
        '    cache: {image: tinyforge-test/busybox:1, network: host}',
        '    db: {image: tinyforge-test/busybox:1, network: host}',
        '',
      ].join('\n'),
    });
    const h = new SwarmHarness(dir, new RecordingSwarm());
    h.swarm.createDelayMs = 20;
    await h.tick();
    const created = h.swarm.mutations();
    const at = (call: string) => created.indexOf(call);
    // Level 0 (cache, db) starts at once; api waits for db; web waits for api and cache.
    expect(created.slice(0, 2).sort()).toEqual(['create tf-app-cache', 'create tf-app-db']);
    expect(at('create tf-app-api')).toBeGreaterThan(Math.max(at('created tf-app-db'), at('created tf-app-cache')));
    expect(at('create tf-app-web')).toBeGreaterThan(at('created tf-app-api'));
    expect(h.state.workloads['stack/app']).toMatchObject({ phase: 'Ready' });
  });

  it('creates Compose services in depends_on order', async () => {
    dir = makeFixtureDir({
      'notes.yaml': [
        'apiVersion: tinyforge.dev/v1',
        'kind: Compose',
        'metadata: {name: notes}',
        'spec:',
        '  compose:',
        '    services:',
        '      web: {image: tinyforge-test/busybox:1, network_mode: host, depends_on: [db]}',
        '      db: {image: tinyforge-test/busybox:1, network_mode: host}',
        '',
      ].join('\n'),
    });
    const h = new SwarmHarness(dir, new RecordingSwarm());
    h.swarm.createDelayMs = 20;
    await h.tick();
    expect(h.state.invalid).toEqual([]);
    expect(h.swarm.mutations()).toEqual([
      'create tf-notes-db',
      'created tf-notes-db',
      'create tf-notes-web',
      'created tf-notes-web',
    ]);
  });
});
