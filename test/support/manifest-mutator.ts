/**
 * Hostile manifests, generated: random edits of valid YAML manifests, from a seeded PRNG
 * so that a failure names a seed and an index that reproduce it exactly.
 */

import { prng } from './prng.js';

type Random = () => number;
const int = (random: Random, n: number) => Math.floor(random() * n);
const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length)]!;

/** Characters a manifest should never hold, and some it may: controls, unicode oddities, YAML indicators. */
const NASTY = [
  ...['\t', '\r', '\u0000', '\u0001', '\u0007', '\u001b', '\u007f', '\u0085', '\u00a0'],
  ...['\u2028', '\u2029', '\ufeff', '\u200b', '\u202e', '\ud800', '\udfff', '\u0301'],
  ...['😀', '𝕏', '中', 'ß', 'é', '"', "'", ':', ': ', '- ', '#', '&', '*', '!', '|', '>', '%', '@', '`'],
  ...['{', '}', '[', ']', ',', '?', '\\', '---', '...'],
];

/** Values of the wrong type, or numbers no field can hold. */
const ODD_VALUES = [
  ...['99999999999999999999999999999', '1e309', '-1e309', '-0', '0x7fffffff', '0o777', '.inf', '-.Inf', '.nan'],
  ...['1.7976931348623157e308', '5e-324', '-1', '0', '100000', 'null', '~', 'true', 'false', '[]', '{}'],
  ...['[1, 2, 3]', '{a: 1}', '""', "''", '!!binary aGVsbG8=', '!custom x', '!!str 1', '*nowhere', '&dangling'],
  ...['|\n  block', '>-\n  folded', '? complex key', '"unterminated', "'unterminated", '"\\x"', '"\\uD800"'],
];

/** One edit of a manifest's text. */
type Mutation = (text: string, random: Random) => string;

const lines = (text: string) => text.split('\n');
const spliceLine = (text: string, random: Random, edit: (all: string[], at: number) => void) => {
  const all = lines(text);
  edit(all, int(random, all.length));
  return all.join('\n');
};

/** A nested flow or block structure `depth` levels deep. */
function nesting(random: Random): string {
  const depth = 50 + int(random, 1000);
  switch (int(random, 3)) {
    case 0:
      return `${'['.repeat(depth)}${']'.repeat(depth)}`;
    case 1:
      return `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
    default:
      return Array.from({ length: Math.min(depth, 400) }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n');
  }
}

/** A billion laughs, a circular alias, or many honest aliases. */
function aliases(random: Random): string {
  switch (int(random, 3)) {
    case 0: {
      const out = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
      for (let i = 1; i < 10; i++)
        out.push(
          `a${i}: &a${i} [${Array(9)
            .fill(`*a${i - 1}`)
            .join(', ')}]`,
        );
      return out.join('\n');
    }
    case 1:
      return 'loop: &x [1, *x]';
    default:
      return `base: &b {k: v}\n${Array.from({ length: 150 }, (_, i) => `u${i}: *b`).join('\n')}`;
  }
}

export const MUTATIONS: Record<string, Mutation> = {
  deleteLine: (t, r) => spliceLine(t, r, (all, at) => all.splice(at, 1)),
  duplicateLine: (t, r) => spliceLine(t, r, (all, at) => all.splice(at, 0, all[at]!)),
  swapLines: (t, r) =>
    spliceLine(t, r, (all, at) => {
      const other = int(r, all.length);
      [all[at], all[other]] = [all[other]!, all[at]!];
    }),
  indent: (t, r) =>
    spliceLine(t, r, (all, at) => {
      const shift = int(r, 7) - 3;
      all[at] = shift >= 0 ? ' '.repeat(shift) + all[at] : all[at]!.replace(new RegExp(`^ {0,${-shift}}`), '');
    }),
  tabs: (t, r) =>
    spliceLine(t, r, (all, at) => {
      all[at] = all[at]!.replace(/^( +)/, (s) => '\t'.repeat(Math.ceil(s.length / 2)));
    }),
  insertCharacters: (t, r) => {
    const at = int(r, t.length + 1);
    const chars = Array.from({ length: 1 + int(r, 4) }, () => pick(r, NASTY)).join('');
    return t.slice(0, at) + chars + t.slice(at);
  },
  replaceValue: (t, r) =>
    spliceLine(t, r, (all, at) => {
      all[at] = all[at]!.replace(/:\s.*$/, `: ${pick(r, ODD_VALUES)}`);
    }),
  nest: (t, r) =>
    spliceLine(t, r, (all, at) => {
      all.splice(at, 0, `${' '.repeat(int(r, 3) * 2)}deep: ${nesting(r)}`);
    }),
  aliases: (t, r) =>
    spliceLine(t, r, (all, at) => {
      all.splice(at, 0, aliases(r));
    }),
  truncate: (t, r) => t.slice(0, int(r, t.length)),
  lineEndings: (t, r) => t.replace(/\n/g, pick(r, ['\r\n', '\r', '\n\n', '\u2028'])),
  duplicateKey: (t, r) =>
    spliceLine(t, r, (all, at) => {
      const key = /^(\s*[\w.-]+:)/.exec(all[at]!)?.[1];
      if (key) all.splice(at, 0, `${key} dup`);
    }),
  separator: (t, r) =>
    spliceLine(t, r, (all, at) => {
      all.splice(at, 0, pick(r, ['---', '...', '%YAML 1.1\n---', '--- !!map', '---\n---', '%TAG ! tag:x,2000:']));
    }),
  longLine: (t, r) =>
    spliceLine(t, r, (all, at) => {
      all.splice(at, 0, `long: ${'x'.repeat(int(r, 200_000))}`);
    }),
  wrongType: (t, r) =>
    spliceLine(t, r, (all, at) => {
      all[at] = all[at]!.replace(/:\s.*$/, `: ${pick(r, ['[a, b]', '{x: y}', '42', 'true', 'null', '- item'])}`);
    }),
};

const NAMES = Object.keys(MUTATIONS);

/** Document `index` of the corpus made from `bases` with `seed`: a base text with 1 to 3 edits, and what they were. */
export function mutant(bases: readonly string[], seed: number, index: number): { text: string; edits: string[] } {
  const random = prng((seed * 1_000_003 + index) >>> 0);
  let text = pick(random, bases);
  const edits: string[] = [];
  for (let n = 1 + int(random, 3); n > 0; n--) {
    const name = pick(random, NAMES);
    edits.push(name);
    text = MUTATIONS[name]!(text, random);
  }
  return { text, edits };
}
