import { describe, expect, it } from 'vitest';
import { toCreateOptions } from '../../src/adapters/docker-create-options.js';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import type { ContainerSpec } from '../../src/reconcile/container-spec.js';
import { containerSpec } from '../../src/reconcile/container-spec.js';
import type { CreateRequest } from '../../src/reconcile/docker-port.js';

const base: ContainerSpec = containerSpec({
  fields: { image: 'tinyforge-test/busybox:1' },
  metadataLabels: undefined,
  references: [],
  dir: '/srv/manifests',
  digest: () => '',
});
const request = (spec: Partial<ContainerSpec>): CreateRequest => ({
  name: 'tf-x-image-1-00000000',
  spec: { ...base, ...spec },
  labels: {},
  env: [],
});
const scope = { policy: DEFAULT_POLICY, manifestDir: '/srv/manifests' };

describe('the policy, enforced where the Docker create request is built (guarantee 10)', () => {
  it.each([
    [
      'privileged',
      { privileged: true },
      'privileged is not allowed; the operator can allow it with --allow-privileged',
    ],
    [
      'an added capability',
      { capAdd: ['SYS_ADMIN'] },
      'capability SYS_ADMIN is not allowed; the operator can allow it with --allow-capabilities SYS_ADMIN',
    ],
    ['a device', { devices: ['/dev/kvm'] }, 'devices is not allowed; the operator can allow it with --allow-devices'],
    [
      'the host PID namespace',
      { pid: 'host' },
      'pid: host is not allowed; the operator can allow it with --allow-host-namespaces',
    ],
    [
      'the host user namespace',
      { userns: 'host' },
      'userns: host is not allowed; the operator can allow it with --allow-host-namespaces',
    ],
    [
      'a host path outside the manifest directory',
      { mounts: [{ type: 'bind' as const, source: '/etc', target: '/etc', readOnly: true }] },
      'host path /etc is not allowed; the operator can allow it with --allow-host-paths /etc',
    ],
  ])('refuses %s even when validation was bypassed', (_what, spec, message) => {
    expect(() => toCreateOptions(request(spec), scope)).toThrow(message);
  });

  it('never mounts the Docker socket, whatever the flags', () => {
    const wide = { ...DEFAULT_POLICY, allowHostPaths: ['/'] };
    expect(() =>
      toCreateOptions(request({ mounts: [{ type: 'bind', source: '/var/run', target: '/x', readOnly: true }] }), {
        ...scope,
        policy: wide,
      }),
    ).toThrow(/Docker socket/);
  });

  it('asks Docker for what the operator allowed', () => {
    const policy = {
      ...DEFAULT_POLICY,
      allowPrivileged: true,
      allowCapabilities: ['NET_ADMIN'],
      allowHostPaths: ['/srv/data'],
    };
    const options = toCreateOptions(
      request({
        privileged: true,
        capAdd: ['NET_ADMIN'],
        mounts: [
          { type: 'bind', source: '/srv/data/x', target: '/x', readOnly: false },
          { type: 'bind', source: '/srv/manifests/site', target: '/www', readOnly: true },
        ],
      }),
      { policy, manifestDir: '/srv/manifests' },
    );
    expect(options.HostConfig).toMatchObject({
      Privileged: true,
      CapAdd: ['NET_ADMIN'],
      NetworkMode: 'bridge',
      Mounts: [
        { Type: 'bind', Source: '/srv/data/x' },
        { Type: 'bind', Source: '/srv/manifests/site', ReadOnly: true },
      ],
    });
  });

  it('publishes ports on 127.0.0.1 unless told otherwise', () => {
    const options = toCreateOptions(
      request({ ports: [{ container: 80, host: 8080, hostIP: '127.0.0.1', protocol: 'tcp' }] }),
      scope,
    );
    expect(options.HostConfig?.PortBindings).toEqual({ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] });
  });
});
