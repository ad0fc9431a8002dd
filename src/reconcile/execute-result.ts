import type { ContainerRow, StateEvent } from '../api/state-types.js';
import type { Clock } from './clock.js';

export interface ExecuteResult {
  /** Per workload, why it did not converge. */
  errors: Map<string, string>;
  events: StateEvent[];
  /** Rows written by the deploy path: placeholders before `create`, ids after. */
  placed: Map<string, ContainerRow[]>;
  /** Containers started this tick, to wait for, and when each start returned (ms, on the clock). */
  started: Map<string, number>;
  /** Containers this tick removed. */
  removed: Set<string>;
  /** The engine stopped answering part-way. */
  unreachable: string | null;
  /** Routes switched this tick: the rows now behind each. */
  routed: { workloadId: string; routeId: string; rowIds: string[] }[];
  /** Routes removed this tick: no row is behind them any more. */
  unrouted: { workloadId: string; routeId: string }[];
  /** A backend that rolls out by itself: the roles (`<workload id>:<role>`) it sent a spec to this tick. */
  sent: Set<string>;
}

/** What a pass that acted on nothing did: no errors, events, placements or routes. */
export function emptyExecuteResult(): ExecuteResult {
  return {
    errors: new Map(),
    events: [],
    placed: new Map(),
    started: new Map(),
    removed: new Set(),
    unreachable: null,
    routed: [],
    unrouted: [],
    sent: new Set(),
  };
}

/** A container this tick started, stamped with when its start returned: its watch counts from then (settle.ts). */
export function recordStarted(result: ExecuteResult, clock: Clock, id: string): void {
  result.started.set(id, clock.now().getTime());
}

/** An event of the acting, stamped now, added to the result (every backend alike). */
export function addEvent(
  result: ExecuteResult,
  clock: Clock,
  type: StateEvent['type'],
  workload: string,
  reason: string,
  message: string,
): void {
  result.events.push({ at: clock.now().toISOString(), type, workload, reason, message });
}
