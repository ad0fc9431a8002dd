import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { KINDS } from '../../src/api/kinds.js';
import { runCli } from '../support/run-cli.js';

/*
 * `tinyforge schema [KIND]` prints one document an editor can use alone: every `$ref` a
 * JSON pointer into it, no `$id` to resolve against, and only the files it needs.
 */

/** Each KIND `tinyforge schema` takes, and none (the schema of any manifest). */
const WANTED = [undefined, ...KINDS, 'compose-file', 'state'].map((kind) => ({ kind, label: kind ?? '(no KIND)' }));

function printed(kind: string | undefined): Record<string, unknown> {
  const result = runCli(kind === undefined ? ['schema'] : ['schema', kind]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** Every value of `key` anywhere in `node`, with the pointer of the object holding it. */
function valuesOf(node: unknown, key: string, at = ''): [string, unknown][] {
  if (node === null || typeof node !== 'object') return [];
  const found: [string, unknown][] = key in node ? [[at, (node as Record<string, unknown>)[key]]] : [];
  for (const [name, child] of Object.entries(node)) found.push(...valuesOf(child, key, `${at}/${name}`));
  return found;
}

/** Follows a `#/a/b` pointer (RFC 6901) through `document`. */
function follow(document: unknown, ref: string): unknown {
  let node = document;
  for (const raw of ref.slice(2).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return node;
}

describe('tinyforge schema', () => {
  it.each(WANTED)('$label: every $ref is a pointer that resolves inside the printed document', ({ kind }) => {
    const schema = printed(kind);
    const refs = valuesOf(schema, '$ref');
    expect(refs.length).toBeGreaterThan(0);
    for (const [at, ref] of refs) {
      expect(typeof ref === 'string' && ref.startsWith('#/'), `${at}: ${String(ref)}`).toBe(true);
      expect(typeof follow(schema, ref as string), `${at}: ${String(ref)}`).toBe('object');
    }
    expect(valuesOf(schema, '$id')).toEqual([]);
    // Nothing else to fetch: ajv compiles it with no other schema known.
    expect(() => new Ajv2020({ strict: false }).compile(schema)).not.toThrow();
  });

  it('embeds only the schema files the entry reaches', () => {
    const embedded = (kind: string | undefined) =>
      Object.keys((printed(kind)['$defs'] as object | undefined) ?? {}).filter((k) => k.endsWith('.schema.json'));
    expect(embedded('image')).toEqual(['container.schema.json']);
    expect(embedded('compose')).toEqual(['compose-file.schema.json', 'container.schema.json']);
    expect(embedded('state')).toEqual([]);
    const all = embedded(undefined);
    expect(all).not.toContain('state.schema.json');
    expect(all).toEqual(expect.arrayContaining(KINDS.map((kind) => `${kind.toLowerCase()}.schema.json`)));
  });
});
