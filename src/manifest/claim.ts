import type { Problem } from '../api/problem.js';

/**
 * Something only one workload may have: a host IP and port, a route's domain, or the
 * name its role's containers, service and route are named by. Claims are gathered per
 * document and compared across all workloads.
 */
export interface Claim {
  type: 'port' | 'domain' | 'name';
  /** Equal keys conflict: `tcp/127.0.0.1:8080`, `app.example.com`, `app-web`. */
  key: string;
  /** Keys that conflict with every key of the same port (`tcp/0.0.0.0:8080`). */
  wildcard: boolean;
  /** How the claim reads in a message: `host port 127.0.0.1:8080/tcp`. */
  label: string;
  at: Problem;
}

export function portClaimKey(protocol: string, hostIP: string, port: number): { key: string; wildcard: boolean } {
  return { key: `${protocol}/${hostIP}:${port}`, wildcard: hostIP === '0.0.0.0' || hostIP === '::' };
}
