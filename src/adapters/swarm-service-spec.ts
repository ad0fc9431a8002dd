import type Docker from 'dockerode';
import type { ContainerSpec } from '../reconcile/container-spec.js';
import { enforcePolicy } from '../reconcile/enforce-policy.js';
import type { PolicyScope } from '../reconcile/enforce-policy.js';
import { ServiceUnsupportedError } from '../reconcile/swarm-port.js';
import { healthConfig } from './docker-create-options.js';
import type { ServicePlacement, ServiceRequest } from '../reconcile/swarm-port.js';

const NS_PER_MS = 1_000_000;

/**
 * The one place a Swarm service spec is built (DESIGN.md section 7), as
 * docker-create-options.ts builds a container's: the operator's policy first, then
 * what a service cannot do is refused by name, never dropped without a word.
 * Ports are published in Swarm's `host` mode (or `ingress`, the routing mesh, when the port
 * says so) on every address of the node (Swarm has no host IP), so a port must say
 * `hostIP: 0.0.0.0` to be published at all.
 */
export function toServiceSpec(request: ServiceRequest, scope: PolicyScope): Docker.ServiceSpec {
  const { spec } = request;
  enforcePolicy(spec, scope);
  refuseUnsupported(spec);
  return {
    Name: request.name,
    Labels: request.labels,
    TaskTemplate: {
      ContainerSpec: containerSpec(request),
      Resources: {
        Limits: {
          ...(spec.cpus !== null ? { NanoCPUs: Math.round(spec.cpus * 1e9) } : {}),
          ...(spec.memoryBytes !== null ? { MemoryBytes: spec.memoryBytes } : {}),
        },
      },
      RestartPolicy: { Condition: restartCondition(spec.restart) },
      ...(request.placement ? { Placement: placement(request.placement) } : {}),
      ...(spec.network === 'bridge' ? {} : { Networks: [{ Target: spec.network }] }),
    },
    Mode: { Replicated: { Replicas: request.replicas } },
    UpdateConfig: {
      Parallelism: 1,
      Order: request.update.order,
      FailureAction: 'rollback',
      Monitor: request.update.monitorMs * NS_PER_MS,
    },
    RollbackConfig: { Parallelism: 1, Order: request.update.order, FailureAction: 'pause' },
    EndpointSpec: {
      Ports: spec.ports.map((port) => ({
        Protocol: port.protocol,
        TargetPort: port.container,
        ...(port.host !== null ? { PublishedPort: port.host } : {}),
        PublishMode: port.publishMode ?? ('host' as const),
      })),
    },
  };
}

function containerSpec(request: ServiceRequest): Docker.ContainerSpec {
  const { spec } = request;
  return {
    Image: spec.image,
    ...(spec.entrypoint ? { Command: spec.entrypoint } : {}),
    ...(spec.cmd ? { Args: spec.cmd } : {}),
    Env: request.env,
    // The task containers carry the user's labels only: ownership is the service's.
    Labels: spec.labels,
    ...(spec.workingDir ? { Dir: spec.workingDir } : {}),
    ...(spec.user ? { User: spec.user } : {}),
    Init: spec.init,
    Mounts: spec.mounts.map((m) => ({ Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
    ...(spec.stopTimeoutSeconds !== null ? { StopGracePeriod: spec.stopTimeoutSeconds * 1000 * NS_PER_MS } : {}),
    ...(spec.capAdd.length > 0 ? { CapabilityAdd: spec.capAdd } : {}),
    ...(spec.healthcheck ? { HealthCheck: healthConfig(spec.healthcheck) } : {}),
  };
}

/** Docker's restart policies in Swarm's words: a stopped task is replaced unless `no` says otherwise. */
function restartCondition(restart: string): 'any' | 'on-failure' | 'none' {
  if (restart === 'no') return 'none';
  return restart === 'on-failure' ? 'on-failure' : 'any';
}

function placement(p: ServicePlacement): Docker.Placement {
  return {
    ...(p.constraints.length > 0 ? { Constraints: p.constraints } : {}),
    ...(p.maxReplicasPerNode !== null ? { MaxReplicas: p.maxReplicasPerNode } : {}),
    ...(p.spread.length > 0 ? { Preferences: p.spread.map((s) => ({ Spread: { SpreadDescriptor: s } })) } : {}),
  };
}

/** What a container may have and a Swarm service may not: refused by name, before Swarm is asked. */
function refuseUnsupported(spec: ContainerSpec): void {
  const unsupported = [
    spec.privileged ? 'privileged' : null,
    spec.devices.length > 0 ? 'devices' : null,
    // Swarm has no `none` network for services (moby/moby#44403): create fails with "network none not found".
    spec.network === 'none' ? 'network: none' : null,
    ...(['pid', 'ipc', 'uts', 'userns'] as const).map((ns) => (spec[ns] !== null ? `${ns}: host` : null)),
  ].filter((what): what is string => what !== null);
  if (unsupported.length > 0)
    throw new ServiceUnsupportedError(
      `${unsupported.join(', ')}: a Swarm service cannot have it; run it with --backend docker`,
    );
  const local = spec.ports.find((port) => port.hostIP !== '0.0.0.0');
  if (local)
    throw new ServiceUnsupportedError(
      `port ${local.container}: Swarm publishes on every address of the node, not on ${local.hostIP}; set hostIP: 0.0.0.0 to publish it, or use network host`,
    );
}
