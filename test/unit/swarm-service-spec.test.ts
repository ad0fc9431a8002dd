import { describe, expect, it } from 'vitest';
import { toServiceSpec } from '../../src/adapters/swarm-service-spec.js';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import type { ContainerSpec } from '../../src/reconcile/container-spec.js';
import { containerSpec } from '../../src/reconcile/container-spec.js';
import type { ServiceRequest } from '../../src/reconcile/swarm-port.js';

const spec: ContainerSpec = containerSpec({
  fields: {
    image: 'tinyforge-test/busybox:1',
    command: ['sleep', '3600'],
    network: 'host',
    env: { GREETING: 'hi' },
    healthcheck: { command: ['true'], interval: '5s', timeout: '2s', retries: 3, startPeriod: '1s' },
    resources: { memory: '64Mi', cpus: 0.5 },
    init: true,
    stopTimeout: '5s',
    user: 'nobody',
    workingDir: '/tmp',
    labels: { app: 'web' },
    volumes: [{ name: 'data', target: '/data' }],
  },
  metadataLabels: undefined,
  references: [],
  dir: '/srv/manifests',
  digest: () => '',
});
const request = (change: Partial<ServiceRequest> = {}, specChange: Partial<ContainerSpec> = {}): ServiceRequest => ({
  name: 'tf-web-image',
  spec: { ...spec, ...specChange },
  replicas: 4,
  labels: { 'tinyforge.managed': 'true' },
  env: ['GREETING=hi'],
  update: { order: 'stop-first', monitorMs: 5000 },
  placement: null,
  ...change,
});
const scope = { policy: DEFAULT_POLICY, manifestDir: '/srv/manifests' };

describe('a Swarm service spec, built in one place from a container spec', () => {
  it('maps the container fields to the service and its task template', () => {
    const service = toServiceSpec(request(), scope);
    expect(service).toMatchObject({
      Name: 'tf-web-image',
      Labels: { 'tinyforge.managed': 'true' },
      Mode: { Replicated: { Replicas: 4 } },
      UpdateConfig: { Parallelism: 1, Order: 'stop-first', FailureAction: 'rollback', Monitor: 5_000_000_000 },
      RollbackConfig: { Order: 'stop-first' },
      EndpointSpec: { Ports: [] },
    });
    const task = service.TaskTemplate as { ContainerSpec: Record<string, unknown> } & Record<string, unknown>;
    expect(task.Networks).toEqual([{ Target: 'host' }]);
    expect(task.RestartPolicy).toEqual({ Condition: 'any' });
    expect(task.Resources).toEqual({ Limits: { NanoCPUs: 500_000_000, MemoryBytes: 64 * 1024 * 1024 } });
    expect(task.ContainerSpec).toMatchObject({
      Image: 'tinyforge-test/busybox:1',
      Command: ['sleep', '3600'],
      Env: ['GREETING=hi'],
      Labels: { app: 'web' },
      User: 'nobody',
      Dir: '/tmp',
      Init: true,
      StopGracePeriod: 5_000_000_000,
      Mounts: [{ Type: 'volume', Source: 'data', Target: '/data', ReadOnly: false }],
      HealthCheck: {
        Test: ['CMD', 'true'],
        Interval: 5_000_000_000,
        Timeout: 2_000_000_000,
        Retries: 3,
        StartPeriod: 1_000_000_000,
      },
    });
    // Ownership is the service's: its tasks' containers carry the user's labels only.
    expect(task.ContainerSpec.Labels).not.toHaveProperty('tinyforge.managed');
  });

  it('rolls out start-first when the manifest asks, and places tasks as Swarm is told', () => {
    const service = toServiceSpec(
      request({
        update: { order: 'start-first', monitorMs: 10_000 },
        placement: { constraints: ['node.role==worker'], maxReplicasPerNode: 2, spread: ['node.labels.zone'] },
      }),
      scope,
    );
    expect(service.UpdateConfig).toMatchObject({ Order: 'start-first', Monitor: 10_000_000_000 });
    expect((service.TaskTemplate as { Placement: unknown }).Placement).toEqual({
      Constraints: ['node.role==worker'],
      MaxReplicas: 2,
      Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }],
    });
  });

  it.each([
    ['no', 'none'],
    ['on-failure', 'on-failure'],
    ['always', 'any'],
    ['unless-stopped', 'any'],
  ])('restart %s is Swarm restart condition %s', (restart, condition) => {
    const service = toServiceSpec(request({}, { restart }), scope);
    expect((service.TaskTemplate as { RestartPolicy: unknown }).RestartPolicy).toEqual({ Condition: condition });
  });

  it('publishes a port in host mode only where the manifest accepts every address', () => {
    const port = { container: 80, host: 8080, hostIP: '0.0.0.0', protocol: 'tcp' as const };
    const service = toServiceSpec(request({}, { network: 'apps', ports: [port] }), scope);
    expect(service.EndpointSpec).toEqual({
      Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' }],
    });
    expect((service.TaskTemplate as Record<string, unknown>).Networks).toEqual([{ Target: 'apps' }]);
    expect(() =>
      toServiceSpec(request({}, { network: 'apps', ports: [{ ...port, hostIP: '127.0.0.1' }] }), scope),
    ).toThrow(/port 80: Swarm publishes on every address of the node, not on 127.0.0.1; set hostIP: 0.0.0.0/);
  });

  it('refuses by name what a service cannot have, after the policy', () => {
    const allowed = { ...scope, policy: { ...DEFAULT_POLICY, allowPrivileged: true, allowHostNamespaces: true } };
    expect(() => toServiceSpec(request({}, { privileged: true, pid: 'host' }), allowed)).toThrow(
      'privileged, pid: host: a Swarm service cannot have it; run it with --backend docker',
    );
    expect(() => toServiceSpec(request({}, { privileged: true }), scope)).toThrow(/--allow-privileged/);
    expect(() => toServiceSpec(request({}, { network: 'none' }), scope)).toThrow(
      'network: none: a Swarm service cannot have it; run it with --backend docker',
    );
  });
});
