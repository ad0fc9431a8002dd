import { describe, expect, it } from 'vitest';
import { MAX_FLOW_DEPTH, tooDeepAt } from '../../src/manifest/flow-depth.js';
import { parseYamlFile } from '../../src/manifest/parse-yaml.js';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('flow collections nested too deep', () => {
  it('finds the first bracket past the limit, and none at the limit', () => {
    expect(tooDeepAt(`x: ${nested(MAX_FLOW_DEPTH)}`)).toBe(-1);
    expect(tooDeepAt(`x: ${nested(MAX_FLOW_DEPTH + 1)}`)).toBe(3 + MAX_FLOW_DEPTH);
    expect(tooDeepAt(`x: ${'{a: '.repeat(700)}1${'}'.repeat(700)}`)).toBe(3 + 4 * MAX_FLOW_DEPTH);
  });

  it('does not count brackets in quoted strings or comments, and reads an apostrophe in plain text as text', () => {
    const open = '['.repeat(MAX_FLOW_DEPTH + 1);
    expect(tooDeepAt(`a: "${open}"\nb: '${open}'\nc: 'it''s ${open}'\n# ${open}\nd: x # ${open}`)).toBe(-1);
    expect(tooDeepAt(`a: "\\" ${open}"`)).toBe(-1);
    expect(tooDeepAt(`a: it's ${open}`)).toBe(8 + MAX_FLOW_DEPTH);
    expect(tooDeepAt(`a: x#${open}`)).toBe(5 + MAX_FLOW_DEPTH);
  });

  it('is refused before parsing, at a position that does not depend on the stack', () => {
    const text = `apiVersion: tinyforge.dev/v1\ndeep: ${nested(1000)}\n`;
    const first = parseYamlFile(text, 'deep.yaml');
    expect(first).toEqual({
      documents: [],
      problems: [
        {
          file: 'deep.yaml',
          line: 2,
          column: 7 + MAX_FLOW_DEPTH,
          path: '',
          message: `collections nested more than ${MAX_FLOW_DEPTH} levels deep: refused`,
        },
      ],
    });
    expect(parseYamlFile(text, 'deep.yaml')).toEqual(first);
  });
});
