/** Condition and event reasons, PascalCase (Flux/Kubernetes conventions). */
export const Reason = {
  AllReplicasRunning: 'AllReplicasRunning',
  ReplicasNotRunning: 'ReplicasNotRunning',
  Progressing: 'Progressing',
  ReconcileFailed: 'ReconcileFailed',
  ManifestInvalid: 'ManifestInvalid',
  Suspended: 'Suspended',
  CrashLoop: 'CrashLoop',
  KindNotReconciled: 'KindNotReconciled',
  DockerUnreachable: 'DockerUnreachable',
  Created: 'Created',
  Started: 'Started',
  Recreated: 'Recreated',
  Removed: 'Removed',
  Pruned: 'Pruned',
  PruneRefused: 'PruneRefused',
  Failed: 'Failed',
  CreateNeverObserved: 'CreateNeverObserved',
  StateRecovered: 'StateRecovered',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];
