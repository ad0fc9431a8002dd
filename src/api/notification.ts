/**
 * What `--notify` POSTs (README: Notifications): a workload's phase change for the worse or
 * its return to Ready, or Docker going away and coming back (`workload` null). Every text
 * in it comes from the state file, where env-file values never are.
 */
export interface Notification {
  /** The controller's name (`--name`). */
  controller: string;
  /** The workload's id (`image/web`), or null for the controller's own news (Docker). */
  workload: string | null;
  /** The workload's phase now; null for Docker's news. */
  phase: string | null;
  /** The phase it left (for a return to Ready: the Degraded or Failed phase it returns from); null for Docker's news. */
  previousPhase: string | null;
  /** The Ready condition's reason (`CrashLoop`, `RolloutFailed`, …) or `DockerUnreachable` / `DockerReachable`. */
  reason: string;
  message: string;
  /** The manifests' git revision, or null. */
  revision: string | null;
  /** When the controller saw the change (RFC 3339). */
  at: string;
}

/** `--notify-format`: the DESIGN's JSON, or the body a common receiver takes. */
export const NOTIFY_FORMATS = ['json', 'slack', 'discord', 'ntfy'] as const;
export type NotifyFormat = (typeof NOTIFY_FORMATS)[number];

/** Where notifications go (`--notify`), in which form, signed with which secret. */
export interface NotifyConfig {
  urls: string[];
  format: NotifyFormat;
  secret?: string;
}
