import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/adapters/state-store.js';
import { loadState, peekState } from '../../src/app-state.js';
import { removeFixtureDir } from '../support/fixture-dir.js';
import { folderWithState, NOT_A_STATE } from '../support/not-a-state.js';
import { emptyState } from '../support/tick-harness.js';

const NOW = new Date('2026-11-27T10:00:00Z');
const ASIDE = 'state.json.corrupt-2026-11-27T10-00-00-000Z';

describe('a state file that parses but is not a state, as run and plan load it (guarantee 6)', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it.each(NOT_A_STATE)('run moves $name aside, starts from the defaults and says why', async ({ spoil, problem }) => {
    let file: string;
    ({ dir, file } = await folderWithState(spoil));
    const text = fs.readFileSync(file, 'utf8');
    const notices: string[] = [];
    const state = await loadState(new StateStore(file, emptyState(NOW)), NOW, notices);
    expect(state.workloads).toEqual({});
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readFileSync(path.join(path.dirname(file), ASIDE), 'utf8')).toBe(text);
    expect(notices).toEqual([
      `state file was corrupt: moved to ${path.join(path.dirname(file), ASIDE)}, rebuilding from owned containers and manifests (it is not a tinyforge state: ${problem})`,
    ]);
    expect(state.events.map((e) => e.reason)).toEqual(['StateRecovered']);
    expect(state.events[0]!.message).toContain(problem);
  });

  it.each(NOT_A_STATE)(
    'plan leaves $name where it is and plans from the defaults, saying why',
    async ({ spoil, problem }) => {
      let file: string;
      ({ dir, file } = await folderWithState(spoil));
      const notices: string[] = [];
      const state = await peekState(file, emptyState(NOW), notices);
      expect(state).toEqual(emptyState(NOW));
      expect(fs.readdirSync(path.dirname(file))).toEqual(['state.json']);
      expect(notices).toEqual([
        `state file ${file} is not a tinyforge state: ${problem}; planning from owned containers and manifests alone, as 'run' would after moving it aside`,
      ]);
    },
  );

  it('keeps a state the controller wrote, as it is', async () => {
    const made = await folderWithState();
    dir = made.dir;
    const { file, valid } = made;
    const notices: string[] = [];
    expect(await loadState(new StateStore(file, emptyState(NOW)), NOW, notices)).toEqual(valid);
    expect(await peekState(file, emptyState(NOW), notices)).toEqual(valid);
    expect(notices).toEqual([]);
  });
});
