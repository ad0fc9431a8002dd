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
  /** --allow-host-namespaces: pid, ipc, uts and userns set to host, and a network mode joining another container's. */
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

/**
 * Whether a network mode joins another container's network namespace (`container:<name>`,
 * or Compose's `service:<name>`): access to that container's sockets and traffic, as much
 * as `pid: host` gives to processes, so it needs --allow-host-namespaces.
 */
export function joinsAnotherNamespace(network: string): boolean {
  return /^(container|service):/.test(network);
}
