import { Ajv2020 } from 'ajv/dist/2020.js';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/adapters/state-store.js';
import { stateProblems } from '../../src/adapters/state-validator.js';
import type { ControllerState } from '../../src/api/state-types.js';
import { imageManifest, makeFixtureDir, projectManifest, removeFixtureDir } from '../support/fixture-dir.js';
import { emptyState, TickHarness } from '../support/tick-harness.js';

const schema = JSON.parse(
  fs.readFileSync(path.resolve(import.meta.dirname, '../../schemas/state.schema.json'), 'utf8'),
);

describe('the state file matches schemas/state.schema.json', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('through creates, an invalid manifest, foreign containers and a failed list', async () => {
    const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', ['replicas: 2', 'envFiles: [web.env]']),
      'web.env': 'A=1\n',
    });
    const h = new TickHarness(dir);
    h.docker.addContainer({
      name: 'forged',
      labels: { 'tinyforge.managed': 'true', 'tinyforge.workload.id': 'image/ghost' },
    });
    const states = [(await h.tick()).state];
    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', ['replicas: many']));
    states.push((await h.tick()).state);
    h.docker.unreachable();
    states.push((await h.tick()).state);
    for (const state of states) {
      expect(validate(state), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('as the controller writes it, is what its own load accepts: nothing written is moved aside at the next start', async () => {
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', ['replicas: 2']),
      'shop.yaml': projectManifest('1', ['command: [sleep, "3600"]', 'rollout: {minReadySeconds: 5}']),
    });
    const h = new TickHarness(dir);
    const states: ControllerState[] = [(await h.tick()).state];
    h.clock.advance(6000);
    states.push((await h.tick()).state);
    expect(states[1]!.workloads['project/shop']!.rollouts?.['production']?.phase).toBe('Complete');
    fs.writeFileSync(
      path.join(dir, 'shop.yaml'),
      projectManifest('2', ['command: [sleep, "3600"]', 'rollout: {minReadySeconds: 5}']),
    );
    states.push((await h.tick()).state);
    // What the long-running controller adds.
    states.push({
      ...h.state,
      controller: { ...h.state.controller, resyncSeconds: 1.5, watch: { mode: 'polling', lastError: 'EMFILE' } },
    });
    for (const state of states) expect(await stateProblems(state)).toEqual([]);

    const file = path.join(dir, 'state', 'state.json');
    for (const state of states) {
      await new StateStore(file, emptyState(h.clock.now())).save(state);
      const loaded = await new StateStore(file, emptyState(h.clock.now())).load(h.clock.now());
      expect(loaded.movedAside).toBeUndefined();
      expect(loaded.state).toEqual(JSON.parse(JSON.stringify(state)));
    }
  });
});
