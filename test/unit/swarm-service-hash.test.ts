import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { serviceDrift, serviceHash } from '../../src/adapters/swarm-service-hash.js';
import { toServiceSpec } from '../../src/adapters/swarm-service-spec.js';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { containerSpec } from '../../src/reconcile/container-spec.js';
import type { ServiceRequest } from '../../src/reconcile/swarm-port.js';

const request: ServiceRequest = {
  name: 'tf-web-image',
  spec: containerSpec({
    fields: {
      image: 'tinyforge-test/busybox:1',
      command: ['sleep', '3600'],
      network: 'host',
      env: { GREETING: 'hi' },
      healthcheck: { command: ['true'], interval: '5s' },
      resources: { memory: '64Mi' },
      init: true,
      stopTimeout: '1s',
      labels: { app: 'web' },
    },
    metadataLabels: undefined,
    references: [],
    dir: '/srv/manifests',
    digest: () => '',
  }),
  replicas: 2,
  labels: { 'tinyforge.managed': 'true' },
  env: ['GREETING=hi'],
  update: { order: 'stop-first', monitorMs: 5000 },
  placement: null,
};
const sent = toServiceSpec(request, { policy: DEFAULT_POLICY, manifestDir: '/srv/manifests' });

/** A service spec as a test edits it. */
interface Spec {
  TaskTemplate: { ContainerSpec: Record<string, unknown> & { Env: string[] }; [field: string]: unknown };
  Mode: { Replicated: { Replicas: number } };
  UpdateConfig: Record<string, unknown>;
  [field: string]: unknown;
}

/** The spec as `docker service inspect` shows it back (Docker 20.10): defaults added, the health check renamed. */
function echoed(spec: Docker.ServiceSpec): Spec {
  const raw = structuredClone(spec) as unknown as Spec;
  const c = raw.TaskTemplate.ContainerSpec;
  c.Healthcheck = c.HealthCheck;
  delete c.HealthCheck;
  Object.assign(c, { DNSConfig: {}, Isolation: 'default' });
  if ((c.Mounts as unknown[]).length === 0) delete c.Mounts;
  const restart = raw.TaskTemplate.RestartPolicy as object;
  raw.TaskTemplate.RestartPolicy = { ...restart, Delay: 5e9, MaxAttempts: 0 };
  Object.assign(raw.TaskTemplate, { Placement: {}, ForceUpdate: 0, Runtime: 'container' });
  raw.TaskTemplate.Networks = [{ Target: 'naq7c7gb4cmcdaki95cy284qq' }];
  raw.UpdateConfig.MaxFailureRatio = 0;
  raw.RollbackConfig = { ...(raw.RollbackConfig as object), Monitor: 5e9, MaxFailureRatio: 0 };
  raw.EndpointSpec = { Mode: 'vip' };
  return raw;
}

const asSpec = (spec: Spec) => spec as unknown as Docker.ServiceSpec;

describe('the service hash: what tinyforge set on a service, to tell what was changed by hand', () => {
  it('reads the same from the spec sent and from the spec Swarm echoes back', () => {
    expect(serviceHash(asSpec(echoed(sent)))).toBe(serviceHash(sent));
    expect(serviceDrift(asSpec(echoed(sent)), serviceHash(sent))).toEqual([]);
  });

  it('names the fields changed outside tinyforge: env added, scaled, an image pinned to another digest, a constraint', () => {
    const stamp = serviceHash(sent);
    const edited = echoed(sent);
    edited.TaskTemplate.ContainerSpec.Env.push('X=1');
    edited.Mode.Replicated.Replicas = 5;
    edited.TaskTemplate.ContainerSpec.Image = 'tinyforge-test/busybox:2@sha256:abc123';
    edited.TaskTemplate.Placement = { Constraints: ['node.labels.nope==1'] };
    expect(serviceDrift(asSpec(edited), stamp)).toEqual(['image', 'env', 'placement', 'replicas']);
  });

  it('an image only pinned to its digest is the same image; a service without a stamp shows no drift', () => {
    const pinned = echoed(sent);
    pinned.TaskTemplate.ContainerSpec.Image = 'tinyforge-test/busybox:1@sha256:abc123';
    expect(serviceDrift(asSpec(pinned), serviceHash(sent))).toEqual([]);
    pinned.Mode.Replicated.Replicas = 9;
    expect(serviceDrift(asSpec(pinned), undefined)).toEqual([]);
  });
});
