import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Label, LABEL_PREFIX } from '../../src/api/labels.js';
import type { ObservedContainer } from '../../src/api/observed-container.js';
import { classify } from '../../src/reconcile/classify.js';
import { ownershipLabels } from '../../src/reconcile/ownership.js';
import { prng } from '../support/prng.js';

/**
 * Generated forgeries (DESIGN.md section 2): a validly signed container, changed in one
 * way — another name, one tinyforge label's value, a tinyforge label added or removed,
 * another container's signature, or a label's text moved into its neighbour's value — is
 * foreign, every time; the unchanged one is owned. Deterministic (a seeded PRNG);
 * TINYFORGE_FORGERY_CASES raises the count for a soak run.
 */
const CASES = Number(process.env.TINYFORGE_FORGERY_CASES ?? 5000);
const KEY = randomBytes(32);
const KINDS = ['image', 'stack', 'project', 'compose', 'static'];

type Random = ReturnType<typeof prng>;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const word = (random: Random, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-') =>
  Array.from({ length: 1 + Math.floor(random() * 10) }, () => pick(random, [...alphabet])).join('');
/** Any text a label may hold, newlines and `=` included: the signature must not be fooled by them. */
const anyText = (random: Random) => word(random, 'abcz019-=\n. :/');

function signedContainer(random: Random, index: number): ObservedContainer {
  const kind = pick(random, KINDS);
  const name = word(random);
  const identity = {
    controller: 'default',
    workloadId: `${kind}/${name}`,
    kind,
    name,
    role: kind === 'project' ? pick(random, ['production', 'staging']) : pick(random, [kind, 'api', 'db']),
    replica: 1 + Math.floor(random() * 5),
    specHash: randomBytes(8).toString('hex'),
    slot: kind === 'project' ? pick(random, ['blue', 'green']) : null,
  };
  const extra: Record<string, string> = kind === 'project' ? { [Label.port]: String(20000 + index) } : {};
  const containerName = `tf-${name}-${identity.role}-${identity.replica}-${word(random)}`;
  const labels = { 'com.example.team': 'a', ...ownershipLabels(identity, containerName, KEY, extra) };
  const common = { image: 'tinyforge-test/busybox:1', state: 'running' as const, status: 'Up', created: 1, ports: [] };
  return { ...common, id: `c${index}`, name: containerName, labels, health: null };
}

const signedKeys = (c: ObservedContainer) =>
  Object.keys(c.labels)
    .filter((k) => k.startsWith(LABEL_PREFIX) && k !== Label.signature)
    .sort();

/** One change to a signed container, described; every one of them must make it foreign. */
const MUTATIONS: Record<string, (c: ObservedContainer, other: ObservedContainer, random: Random) => void> = {
  name: (c, _o, random) => {
    c.name = `${c.name}${pick(random, ['x', '-', '0', '\n'])}`;
  },
  value: (c, _o, random) => {
    const key = pick(random, [...signedKeys(c), Label.signature]);
    c.labels[key] = `${c.labels[key]}${anyText(random)}`;
  },
  add: (c, _o, random) => {
    c.labels[`${LABEL_PREFIX}${word(random)}${pick(random, ['', '=', '\n'])}`] = anyText(random);
  },
  remove: (c, _o, random) => {
    delete c.labels[pick(random, [...signedKeys(c), Label.signature])];
  },
  'swap signature': (c, other) => {
    [c.labels[Label.signature], other.labels[Label.signature]] = [
      other.labels[Label.signature]!,
      c.labels[Label.signature]!,
    ];
  },
  // `a=1` `b=2` signed as lines: the same text as `a=1\nb=2` alone, or as a key `a=1\nb` with value 2.
  'merge into the previous value': (c, _o, random) => {
    const keys = signedKeys(c);
    const at = 1 + Math.floor(random() * (keys.length - 1));
    const [before, moved] = [keys[at - 1]!, keys[at]!];
    c.labels[before] = `${c.labels[before]}\n${moved}=${c.labels[moved]}`;
    delete c.labels[moved];
  },
  'split a key at its value': (c, _o, random) => {
    const key = pick(random, signedKeys(c));
    const value = c.labels[key]!;
    const cut = Math.floor(random() * value.length);
    delete c.labels[key];
    c.labels[`${key}=${value.slice(0, cut)}`] = value.slice(cut);
  },
};

describe('a copied or edited signature never makes a container owned', () => {
  it(
    `${CASES} generated forgeries are foreign, the originals owned`,
    () => {
      const random = prng(20261206);
      const tally: Record<string, number> = {};
      for (let i = 0; i < CASES; i++) {
        const original = signedContainer(random, 2 * i);
        const other = signedContainer(random, 2 * i + 1);
        const kind = pick(random, Object.keys(MUTATIONS));
        const forged = structuredClone(original);
        forged.id = `f${i}`;
        MUTATIONS[kind]!(forged, structuredClone(other), random);
        const known = new Set([original.labels[Label.workloadId]!, forged.labels[Label.workloadId] ?? '']);
        const { owned, foreign } = classify([original, forged], 'default', KEY, known);
        const ownedIds = [...owned.values()].flat().map((o) => o.container.id);
        expect(ownedIds, `${kind}: ${JSON.stringify(forged)}`).toEqual([original.id]);
        expect(foreign.map((f) => f.containerId)).toEqual([forged.id]);
        tally[kind] = (tally[kind] ?? 0) + 1;
      }
      // Every kind of forgery was tried many times.
      for (const kind of Object.keys(MUTATIONS)) expect(tally[kind]).toBeGreaterThan(CASES / 20);
    },
    5000 + CASES / 5,
  );
});
