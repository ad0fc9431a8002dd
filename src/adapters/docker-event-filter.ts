import { Label, MANAGED_FILTER } from '../api/labels.js';

/** The container events that can mean a workload is no longer as desired. */
export const EVENT_ACTIONS = ['die', 'stop', 'destroy', 'start', 'oom', 'kill', 'health_status'] as const;

/**
 * The event stream's filters: the actions above, of containers managed by this
 * controller only. Docker requires every `label` filter to match, so another
 * controller's containers on the same host never wake this one.
 */
export function dockerEventFilters(controller: string): {
  type: ['container'];
  event: string[];
  label: string[];
} {
  return {
    type: ['container'],
    event: [...EVENT_ACTIONS],
    label: [MANAGED_FILTER, `${Label.controller}=${controller}`],
  };
}

/** What one line of the event stream says: its time, and the workload it concerns when it is ours. */
export interface DockerEventNews {
  time: number | undefined;
  /** The engine's own time of the event in nanoseconds, exact (JSON numbers would round it). */
  timeNano: bigint | undefined;
  workload: { id: string; action: string } | undefined;
}

/**
 * Reads one line of the event stream. The filters already keep out other controllers'
 * containers; this checks again (an engine that ignored a filter must not wake us), and
 * an event without a workload id names nothing to reconcile. Not JSON: undefined.
 */
export function readDockerEvent(line: string, controller: string): DockerEventNews | undefined {
  let event: { time?: unknown; Action?: unknown; Actor?: { Attributes?: Record<string, string> } };
  try {
    event = JSON.parse(line) as typeof event;
  } catch {
    return undefined;
  }
  if (event === null || typeof event !== 'object') return undefined;
  const time = typeof event.time === 'number' ? event.time : undefined;
  const labels = event.Actor?.Attributes ?? {};
  const id = labels[Label.workloadId];
  const ours = labels[Label.managed] === 'true' && labels[Label.controller] === controller;
  const action = (typeof event.Action === 'string' ? event.Action : '').split(':')[0]!;
  return { time, timeNano: timeNanoOf(line), workload: ours && id ? { id, action } : undefined };
}

/** The event's `timeNano`, read from its text: a JSON number that large loses its last digits. */
function timeNanoOf(line: string): bigint | undefined {
  const digits = /"timeNano":(\d+)/.exec(line)?.[1];
  return digits === undefined ? undefined : BigInt(digits);
}
