import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Reason } from '../../src/reconcile/reasons.js';

const SRC = path.resolve(import.meta.dirname, '../../src');
/** Phase names that are also reasons: as phases they are not reasons. */
const PHASES = new Set([
  'Pending',
  'Progressing',
  'Ready',
  'Degraded',
  'Failed',
  'Invalid',
  'Suspended',
  'Terminating',
]);

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    );
}

describe('reason names', () => {
  it('come from the Reason object: no source spells one as a string literal', () => {
    const names = Object.values(Reason).filter((name) => !PHASES.has(name));
    const found: string[] = [];
    for (const file of sources(SRC)) {
      if (file.endsWith(path.join('reconcile', 'reasons.ts'))) continue;
      const code = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const name of names)
        if (new RegExp(`['"\`]${name}['"\`]`).test(code)) found.push(`${path.relative(SRC, file)}: '${name}'`);
    }
    expect(found).toEqual([]);
  });

  it('are all produced somewhere: every Reason is used outside its definition', () => {
    const code = sources(SRC)
      .filter((file) => !file.endsWith(path.join('reconcile', 'reasons.ts')))
      .map((file) => fs.readFileSync(file, 'utf8'))
      .join('\n');
    const unused = Object.keys(Reason).filter((key) => !new RegExp(`Reason\\.${key}\\b`).test(code));
    expect(unused).toEqual([]);
  });
});
