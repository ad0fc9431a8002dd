import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/adapters/state-store.js';
import { emptyState } from '../support/tick-harness.js';
import { makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

const NOW = new Date('2026-12-06T06:00:00Z');

describe('temp files a killed state write left behind', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('are removed at start, and only the state file’s own temp names, never other files (guarantee 12)', async () => {
    dir = makeFixtureDir({});
    const file = path.join(dir, 'state.json');
    const store = new StateStore(file, emptyState(NOW));
    await store.save(emptyState(NOW));
    // What SIGKILL between open and rename leaves: a half-written temp file of ours.
    const leftovers = ['.state.json.4242.0123456789ab.tmp', '.state.json.77.ffffffffffff.tmp'];
    for (const name of leftovers) fs.writeFileSync(path.join(dir, name), '{"apiVersion": "tinyf');
    const others = [
      '.other.json.4242.0123456789ab.tmp',
      '.state.json.4242.notours.tmp',
      'state.json.bak',
      'notes.tmp',
      'controller.key',
    ];
    for (const name of others) fs.writeFileSync(path.join(dir, name), 'keep');
    // A folder with one of our names is not a file a write left: it stays too.
    fs.mkdirSync(path.join(dir, '.state.json.1.aaaaaaaaaaaa.tmp'));

    const { state, removedTemps } = await new StateStore(file, emptyState(NOW)).load(NOW);

    expect(removedTemps.sort()).toEqual([...leftovers].sort());
    expect(fs.readdirSync(dir).sort()).toEqual([...others, 'state.json', '.state.json.1.aaaaaaaaaaaa.tmp'].sort());
    for (const name of others) expect(fs.readFileSync(path.join(dir, name), 'utf8')).toBe('keep');
    expect(state).toEqual(emptyState(NOW));
  });

  it('are nothing to remove when the folder does not exist yet', async () => {
    dir = makeFixtureDir({});
    const store = new StateStore(path.join(dir, 'new', 'state.json'), emptyState(NOW));
    expect((await store.load(NOW)).removedTemps).toEqual([]);
  });
});
