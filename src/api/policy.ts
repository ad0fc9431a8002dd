/**
 * What the operator allows beyond the defaults (docs/guarantees.md #10). Manifests can
 * never grant themselves any of this; only controller flags can.
 */
export interface Policy {
  /** --allow-privileged */
  allowPrivileged: boolean;
  /** --allow-capabilities CAP,...: capability names without the CAP_ prefix; `ALL` allows any. */
  allowCapabilities: readonly string[];
  /** --allow-devices */
  allowDevices: boolean;
  /** --allow-host-namespaces: pid, ipc, uts and userns set to host. */
  allowHostNamespaces: boolean;
  /** --allow-host-paths DIR,...: absolute folders whose contents may be mounted. */
  allowHostPaths: readonly string[];
  /** Paths of the Docker engine's socket; never mountable, nor any folder holding one. */
  dockerSockets: readonly string[];
}

export const DEFAULT_DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'] as const;

export const DEFAULT_POLICY: Policy = {
  allowPrivileged: false,
  allowCapabilities: [],
  allowDevices: false,
  allowHostNamespaces: false,
  allowHostPaths: [],
  dockerSockets: DEFAULT_DOCKER_SOCKETS,
};

/** `CAP_NET_ADMIN` and `net_admin` both mean `NET_ADMIN`. */
export function normalizeCapability(name: string): string {
  return name.toUpperCase().replace(/^CAP_/, '');
}
