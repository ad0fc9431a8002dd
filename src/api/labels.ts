/** The prefix of every label the controller owns; a manifest may not set labels under it. */
export const LABEL_PREFIX = 'tinyforge.';

/** Every `tinyforge.*` container label (docs/how-it-works.md: Ownership labels), in one place. */
export const Label = {
  managed: `${LABEL_PREFIX}managed`,
  controller: `${LABEL_PREFIX}controller`,
  workloadId: `${LABEL_PREFIX}workload.id`,
  workloadKind: `${LABEL_PREFIX}workload.kind`,
  workloadName: `${LABEL_PREFIX}workload.name`,
  role: `${LABEL_PREFIX}role`,
  replica: `${LABEL_PREFIX}replica`,
  specHash: `${LABEL_PREFIX}spec-hash`,
  slot: `${LABEL_PREFIX}slot`,
  /** Project slots: the host port the slot was given (its $PORT on network host, else where `port` is published). */
  port: `${LABEL_PREFIX}port`,
  signature: `${LABEL_PREFIX}signature`,
  /** Swarm services: `swarm` (a container of the docker backend has none). */
  backend: `${LABEL_PREFIX}backend`,
  /**
   * Swarm services: a digest of each service field tinyforge sets, as it sent them; a field
   * whose digest no longer matches the service's spec was changed outside tinyforge.
   */
  serviceHash: `${LABEL_PREFIX}service-hash`,
} as const;
export type LabelKey = (typeof Label)[keyof typeof Label];

/** The filter that lists every container a tinyforge controller may have made, in one call. */
export const MANAGED_FILTER = `${Label.managed}=true`;
