/** Condition and event reasons, PascalCase (Flux/Kubernetes conventions). */
export const Reason = {
  AllReplicasRunning: 'AllReplicasRunning',
  ReplicasNotRunning: 'ReplicasNotRunning',
  Progressing: 'Progressing',
  ReconcileFailed: 'ReconcileFailed',
  ManifestInvalid: 'ManifestInvalid',
  Suspended: 'Suspended',
  /** `tinyforge resume` lifted a runtime suspension. */
  Resumed: 'Resumed',
  CrashLoop: 'CrashLoop',
  /** Swarm: a service's tasks wait for a node that can take them (`no suitable node`). */
  Unschedulable: 'Unschedulable',
  Created: 'Created',
  Started: 'Started',
  Recreated: 'Recreated',
  Removed: 'Removed',
  Pruned: 'Pruned',
  PruneRefused: 'PruneRefused',
  Failed: 'Failed',
  CreateNeverObserved: 'CreateNeverObserved',
  StateRecovered: 'StateRecovered',
  /** The state file could not be written (a full disk, a read-only folder): said in the next write that succeeds. */
  StateWriteFailed: 'StateWriteFailed',
  RollingOut: 'RollingOut',
  RolledOut: 'RolledOut',
  RolloutFailed: 'RolloutFailed',
  RouteSet: 'RouteSet',
  RouteRemoved: 'RouteRemoved',
  /** A list showed none of the owned containers and the engine answers with another ID: nothing is done. */
  EngineChanged: 'EngineChanged',
  /** `--accept-new-engine`: the other engine's ID is recorded and its containers are made anew. */
  EngineAdopted: 'EngineAdopted',
  /** A list showed none of the owned containers on the same engine: acted on once a second list agrees. */
  ContainersVanished: 'ContainersVanished',
  /** A notification (`--notify`): the engine stopped answering. */
  DockerUnreachable: 'DockerUnreachable',
  /** A notification (`--notify`): the engine answers again. */
  DockerReachable: 'DockerReachable',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];
