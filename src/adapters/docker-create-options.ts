import type Docker from 'dockerode';
import type { ContainerSpec } from '../reconcile/container-spec.js';
import type { CreateRequest } from '../reconcile/docker-port.js';
import { enforcePolicy } from '../reconcile/enforce-policy.js';
import type { PolicyScope } from '../reconcile/enforce-policy.js';

const NS_PER_MS = 1_000_000;

/**
 * The one place a Docker create request is built. It enforces the operator's policy
 * first, so no code path, validated or not, reaches Docker with more than allowed.
 */
export function toCreateOptions(request: CreateRequest, scope: PolicyScope): Docker.ContainerCreateOptions {
  const { spec } = request;
  enforcePolicy(spec, scope);
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const port of spec.ports) {
    const key = `${port.container}/${port.protocol}`;
    exposed[key] = {};
    if (port.host !== null)
      bindings[key] = [...(bindings[key] ?? []), { HostIp: port.hostIP, HostPort: String(port.host) }];
  }
  return {
    name: request.name,
    Image: spec.image,
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    Env: request.env,
    Labels: request.labels,
    ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
    ...(spec.user ? { User: spec.user } : {}),
    ExposedPorts: exposed,
    ...(spec.healthcheck ? { Healthcheck: healthConfig(spec.healthcheck) } : {}),
    ...(spec.stopTimeoutSeconds !== null ? { StopTimeout: spec.stopTimeoutSeconds } : {}),
    HostConfig: {
      NetworkMode: spec.network,
      RestartPolicy: { Name: spec.restart === 'no' ? '' : spec.restart },
      PortBindings: bindings,
      Mounts: spec.mounts.map((m) => ({ Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
      Init: spec.init,
      ...(spec.memoryBytes !== null ? { Memory: spec.memoryBytes } : {}),
      ...(spec.cpus !== null ? { NanoCpus: Math.round(spec.cpus * 1e9) } : {}),
      Privileged: spec.privileged,
      ...(spec.capAdd.length ? { CapAdd: spec.capAdd } : {}),
      ...(spec.devices.length
        ? { Devices: spec.devices.map((d) => ({ PathOnHost: d, PathInContainer: d, CgroupPermissions: 'rwm' })) }
        : {}),
      ...(spec.pid ? { PidMode: spec.pid } : {}),
      ...(spec.ipc ? { IpcMode: spec.ipc } : {}),
      ...(spec.uts ? { UTSMode: spec.uts } : {}),
      ...(spec.userns ? { UsernsMode: spec.userns } : {}),
    },
  };
}

/** A health check in the Engine API's terms (nanoseconds), for a container and a service's tasks alike. */
export function healthConfig(hc: NonNullable<ContainerSpec['healthcheck']>): Docker.HealthConfig {
  return {
    // Already in Docker's form: CMD or CMD-SHELL first.
    Test: hc.test,
    ...(hc.intervalMs !== null ? { Interval: hc.intervalMs * NS_PER_MS } : {}),
    ...(hc.timeoutMs !== null ? { Timeout: hc.timeoutMs * NS_PER_MS } : {}),
    ...(hc.retries !== null ? { Retries: hc.retries } : {}),
    ...(hc.startPeriodMs !== null ? { StartPeriod: hc.startPeriodMs * NS_PER_MS } : {}),
  };
}
