import { describe, expect, it } from 'vitest';
import { parseYamlFile } from '../../src/manifest/parse-yaml.js';

describe('YAML parsing refuses what could hurt', () => {
  it('never pollutes Object.prototype through __proto__', () => {
    const parsed = parseYamlFile('__proto__:\n  polluted: yes\n', 'p.yaml');
    expect(parsed.documents).toEqual([]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('rejects a billion-laughs alias bomb instead of expanding it', () => {
    const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++)
      lines.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const parsed = parseYamlFile(lines.join('\n'), 'bomb.yaml');
    expect(parsed.documents).toEqual([]);
    expect(parsed.problems.map((p) => p.message)).toEqual([
      'document 1: too many alias expansions (more than 100): refusing a possible alias bomb',
    ]);
  });

  it('allows a few honest aliases', () => {
    const parsed = parseYamlFile('defaults: &d {image: a}\nweb: *d\napi: *d\n', 'ok.yaml');
    expect(parsed.problems).toEqual([]);
    expect(parsed.documents[0]?.value).toEqual({ defaults: { image: 'a' }, web: { image: 'a' }, api: { image: 'a' } });
  });

  it('rejects a self-referencing alias before any consumer can recurse into it', () => {
    const parsed = parseYamlFile('a: &x [1, *x]\n', 'c.yaml');
    expect(parsed.documents).toEqual([]);
    expect(parsed.problems[0]?.message).toContain('circular alias');
  });

  it('reads YAML 1.2: yes, no, on and off stay strings', () => {
    const parsed = parseYamlFile('a: yes\nb: off\nc: 0755\n', 'y.yaml');
    expect(parsed.documents[0]?.value).toEqual({ a: 'yes', b: 'off', c: 755 });
  });

  it('drops empty documents between separators but keeps the others, with their index', () => {
    const parsed = parseYamlFile('a: 1\n---\n---\nb: 2\n---\n', 'm.yaml');
    expect(parsed.problems).toEqual([]);
    expect(parsed.documents.map((d) => [d.index, d.value])).toEqual([
      [0, { a: 1 }],
      [2, { b: 2 }],
    ]);
  });

  it('reports every syntax error of a file, not only the first', () => {
    const parsed = parseYamlFile('a: 1\na: 2\n---\nb: [1\nc: 2\n', 'e.yaml');
    expect(parsed.problems.map((p) => `${p.line}:${p.column}`)).toEqual(['2:1', '5:1']);
  });
});
