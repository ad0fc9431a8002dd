/** Every `tinyforge.*` container label (docs/how-it-works.md: Ownership labels), in one place. */
export const Label = {
  managed: 'tinyforge.managed',
  controller: 'tinyforge.controller',
  workloadId: 'tinyforge.workload.id',
  workloadKind: 'tinyforge.workload.kind',
  workloadName: 'tinyforge.workload.name',
  role: 'tinyforge.role',
  replica: 'tinyforge.replica',
  specHash: 'tinyforge.spec-hash',
  slot: 'tinyforge.slot',
  /** Project slots: the host port the slot was given (its $PORT on network host, else where `port` is published). */
  port: 'tinyforge.port',
  signature: 'tinyforge.signature',
} as const;
export type LabelKey = (typeof Label)[keyof typeof Label];

export const LABEL_PREFIX = 'tinyforge.';

/** The filter that lists every container a tinyforge controller may have made, in one call. */
export const MANAGED_FILTER = `${Label.managed}=true`;
