import { Notifier } from './adapters/notifier.js';
import type { NotifierOptions } from './adapters/notifier.js';
import type { DaemonLog } from './adapters/pass-reporter.js';
import type { NotifyConfig } from './api/notification.js';
import type { ControllerState } from './api/state-types.js';
import { phaseNotifications, rememberPhases } from './reconcile/phase-notifications.js';

/** `--notify`, wired: each pass's state is compared with what was said, and what is news is queued for delivery. */
export interface Notifications {
  /** After a pass: queues the notifications the state calls for; never waits on a receiver. */
  pass(state: ControllerState): void;
  /** Gives what is queued a short grace, then drops it. */
  stop(): Promise<void>;
}

/** Starts from `state` as loaded: a workload already Degraded there is told of when it returns to Ready. */
export function startNotifications(
  config: NotifyConfig,
  state: ControllerState,
  log: DaemonLog,
  tuning: Partial<NotifierOptions> = {},
): Notifications {
  const notifier = new Notifier({ ...config, log: (line, level) => log.err(line, level), ...tuning });
  let memory = rememberPhases(state);
  return {
    pass(now) {
      const step = phaseNotifications(memory, now, new Date().toISOString());
      memory = step.memory;
      for (const notification of step.notifications) notifier.notify(notification);
    },
    stop: () => notifier.stop(),
  };
}
