import { createHmac, timingSafeEqual } from 'node:crypto';
import { Label, LABEL_PREFIX } from '../api/labels.js';
import type { ObservedContainer } from '../api/observed-container.js';

/** What a container's tinyforge labels say about it, before anything is trusted. */
export interface ContainerIdentity {
  controller: string;
  workloadId: string;
  kind: string;
  name: string;
  role: string;
  replica: number;
  specHash: string;
  slot: string | null;
}

/**
 * The full tinyforge label set of a container (docs/how-it-works.md: Ownership labels), signed: the
 * signature is an HMAC-SHA256, keyed by the controller key, over the other tinyforge
 * labels and the container name, so a label copied onto another container, or edited,
 * no longer verifies. `extra` holds further `tinyforge.*` labels to sign along.
 */
export function ownershipLabels(
  identity: ContainerIdentity,
  containerName: string,
  key: Buffer,
  extra: Record<string, string> = {},
): Record<string, string> {
  const labels: Record<string, string> = { ...commonLabels(identity), [Label.replica]: String(identity.replica) };
  if (identity.slot !== null) labels[Label.slot] = identity.slot;
  // Deploy-time facts (a Project slot's port) are signed with the rest.
  Object.assign(labels, extra);
  return signed(labels, containerName, key);
}

/** What a Swarm service's tinyforge labels say: a container's identity without a replica (its tasks are the replicas). */
export type ServiceIdentity = Omit<ContainerIdentity, 'replica' | 'slot'>;

/**
 * The full tinyforge label set of a Swarm service (DESIGN.md section 7): a container's,
 * without the replica, with `tinyforge.backend=swarm`, signed over the service's name the
 * same way, so a copied or edited label no longer verifies. `extra` holds further
 * `tinyforge.*` labels to sign along (the service-hash).
 */
export function serviceLabels(
  identity: ServiceIdentity,
  serviceName: string,
  key: Buffer,
  extra: Record<string, string> = {},
): Record<string, string> {
  return signed({ ...commonLabels(identity), [Label.backend]: 'swarm', ...extra }, serviceName, key);
}

/** The labels every owned object carries, containers and services alike. */
function commonLabels(identity: ServiceIdentity): Record<string, string> {
  return {
    [Label.managed]: 'true',
    [Label.controller]: identity.controller,
    [Label.workloadId]: identity.workloadId,
    [Label.workloadKind]: identity.kind,
    [Label.workloadName]: identity.name,
    [Label.role]: identity.role,
    [Label.specHash]: identity.specHash,
  };
}

/** The identity a service's labels claim, or undefined when they are incomplete or not a service's. */
export function readServiceIdentity(labels: Record<string, string>): ServiceIdentity | undefined {
  return labels[Label.backend] === 'swarm' ? readCommon(labels) : undefined;
}

/** Whether a service's (or container's) signature verifies for its name with this key. */
export function verifyLabels(labels: Record<string, string>, name: string, key: Buffer): boolean {
  const claimed = labels[Label.signature];
  if (claimed === undefined || !/^[0-9a-f]{64}$/.test(claimed) || !unambiguous(labels, name)) return false;
  const expected = Buffer.from(signature(labels, name, key), 'hex');
  return timingSafeEqual(expected, Buffer.from(claimed, 'hex'));
}

/**
 * Whether the signed lines read back as exactly these labels. A newline in a key, a value or
 * the name, or `=` in a key, would let other labels give the same lines (`a=1` and `b=2`
 * signed the same as one label `a` of value `1\nb=2`): such a set never verifies. tinyforge
 * writes neither (names, roles and hashes are DNS labels, numbers and hex).
 */
function unambiguous(labels: Record<string, string>, name: string): boolean {
  if (name.includes('\n')) return false;
  return Object.entries(labels).every(
    ([k, v]) => !k.startsWith(LABEL_PREFIX) || (!/[=\n]/.test(k) && !v.includes('\n')),
  );
}

function signed(labels: Record<string, string>, name: string, key: Buffer): Record<string, string> {
  labels[Label.signature] = signature(labels, name, key);
  return labels;
}

/** HMAC over the sorted `key=value` lines of the tinyforge labels (the signature excepted) and the name. */
export function signature(labels: Record<string, string>, containerName: string, key: Buffer): string {
  const lines = Object.keys(labels)
    .filter((k) => k.startsWith(LABEL_PREFIX) && k !== Label.signature)
    .sort()
    .map((k) => `${k}=${labels[k]}`);
  lines.push(`name=${containerName}`);
  return createHmac('sha256', key).update(lines.join('\n')).digest('hex');
}

export function verifySignature(container: ObservedContainer, key: Buffer): boolean {
  return verifyLabels(container.labels, container.name, key);
}

/**
 * The state file row a container fills: `<workload id>:<role>:<replica>`, and for a
 * Project's slots `…:<slot>` (during a rollout both slots of a stage have containers).
 */
export function rowIdOf(identity: Pick<ContainerIdentity, 'workloadId' | 'role' | 'replica' | 'slot'>): string {
  const row = `${identity.workloadId}:${identity.role}:${identity.replica}`;
  return identity.slot === null ? row : `${row}:${identity.slot}`;
}

/** The identity a container's labels claim, or undefined when they are incomplete. */
export function readIdentity(labels: Record<string, string>): ContainerIdentity | undefined {
  const common = readCommon(labels);
  const replica = Number(labels[Label.replica]);
  if (!common || !Number.isInteger(replica) || replica < 1) return undefined;
  return { ...common, replica, slot: labels[Label.slot] ?? null };
}

/** The labels every owned object carries, read once for containers and services. */
function readCommon(labels: Record<string, string>): ServiceIdentity | undefined {
  const [controller, workloadId, kind, name, role, specHash] = [
    Label.controller,
    Label.workloadId,
    Label.workloadKind,
    Label.workloadName,
    Label.role,
    Label.specHash,
  ].map((k) => labels[k]);
  if (!controller || !workloadId || !kind || !name || !role || !specHash) return undefined;
  return { controller, workloadId, kind, name, role, specHash };
}
