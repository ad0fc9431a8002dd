import type { ControllerState } from '../api/state-types.js';

/** The state of a controller that has not ticked yet: what a missing or corrupt state file becomes. */
export function initialState(
  controller: { name: string; manifestDir: string; pid: number },
  now: Date,
): ControllerState {
  return {
    apiVersion: 'tinyforge.dev/v1',
    kind: 'ControllerState',
    controller: {
      name: controller.name,
      pid: controller.pid,
      startedAt: now.toISOString(),
      heartbeatAt: now.toISOString(),
      manifestDir: controller.manifestDir,
      revision: null,
      docker: { reachable: true, lastError: null, engineId: null },
      lastTick: null,
    },
    workloads: {},
    invalid: [],
    foreign: [],
    events: [],
  };
}
