import fs from 'node:fs';
import path from 'node:path';
import type { ControllerState } from '../../src/api/state-types.js';
import { imageManifest, makeFixtureDir } from './fixture-dir.js';
import { TickHarness } from './tick-harness.js';

/**
 * JSON that parses but is not a tinyforge state, each with the problem it must be named
 * by (`<json path>: <problem>`): made from a real state by `spoil`, or written as is.
 */
export const NOT_A_STATE: { name: string; spoil: (state: ControllerState) => unknown; problem: string }[] = [
  {
    name: '{}',
    spoil: () => ({}),
    problem:
      '$: missing required fields "apiVersion", "kind", "controller", "workloads", "invalid", "foreign", "events"',
  },
  { name: 'null', spoil: () => null, problem: '$: must be a map (got null)' },
  { name: 'a list', spoil: () => [], problem: '$: must be a map (got a list)' },
  { name: 'a number', spoil: () => 42, problem: '$: must be a map (got 42)' },
  {
    name: 'workloads as a list',
    spoil: (s) => ({ ...s, workloads: [] }),
    problem: '$.workloads: must be a map (got a list)',
  },
  {
    name: 'a pid that is a string',
    spoil: (s) => ({ ...s, controller: { ...s.controller, pid: 'x' } }),
    problem: '$.controller.pid: must be an integer (got "x")',
  },
  {
    name: 'a workload missing fields',
    spoil: (s) => {
      const { phase: _phase, conditions: _conditions, ...web } = s.workloads['image/web']!;
      return { ...s, workloads: { 'image/web': web } };
    },
    problem: '$.workloads["image/web"]: missing required fields "phase", "conditions"',
  },
];

/**
 * A folder with manifests/web.yaml and the state file a controller wrote for it, at
 * `.tinyforge/state.json`; `spoil` turns that state into what the file holds.
 */
export async function folderWithState(
  spoil: (state: ControllerState) => unknown = (s) => s,
): Promise<{ dir: string; file: string; valid: ControllerState }> {
  const dir = makeFixtureDir({ 'manifests/web.yaml': imageManifest('web') });
  const h = new TickHarness(path.join(dir, 'manifests'));
  await h.tick();
  const file = path.join(dir, '.tinyforge', 'state.json');
  fs.mkdirSync(path.dirname(file));
  fs.writeFileSync(file, JSON.stringify(spoil(structuredClone(h.state))));
  return { dir, file, valid: h.state };
}
