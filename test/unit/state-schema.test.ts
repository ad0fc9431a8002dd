import { Ajv2020 } from 'ajv/dist/2020.js';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { TickHarness } from '../support/tick-harness.js';

const schema = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../schemas/state.schema.json'), 'utf8'));

describe('the state file matches schemas/state.schema.json', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('through creates, an invalid manifest, foreign containers and a failed list', async () => {
    const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', ['replicas: 2', 'envFiles: [web.env]']), 'web.env': 'A=1\n' });
    const h = new TickHarness(dir);
    h.docker.addContainer({ name: 'forged', labels: { 'tinyforge.managed': 'true', 'tinyforge.workload.id': 'image/ghost' } });
    const states = [(await h.tick()).state];
    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', ['replicas: many']));
    states.push((await h.tick()).state);
    h.docker.unreachable();
    states.push((await h.tick()).state);
    for (const state of states) {
      expect(validate(state), JSON.stringify(validate.errors)).toBe(true);
    }
  });
});
