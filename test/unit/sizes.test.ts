import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSize, SIZE_PATTERN } from '../../src/api/units.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { PROJECT_ROOT } from '../support/run-cli.js';
import { TickHarness } from '../support/tick-harness.js';

const MiB = 1024 ** 2;

describe('sizes: one parser, one meaning', () => {
  it.each([
    ['512', 512],
    ['512b', 512],
    ['1k', 1024],
    ['1kb', 1024],
    ['256m', 256 * MiB],
    ['256mb', 256 * MiB],
    ['256MB', 256 * MiB],
    ['1GB', 1024 ** 3],
    ['512B', 512],
    ['1g', 1024 ** 3],
    ['1.5g', 1.5 * 1024 ** 3],
    ['1K', 1000],
    ['256M', 256_000_000],
    ['1G', 1e9],
    ['1T', 1e12],
    ['1Ki', 1024],
    ['256Mi', 256 * MiB],
    ['1Gi', 1024 ** 3],
    ['0.5Gi', 512 * MiB],
    ['1Ti', 1024 ** 4],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(['', 'm', '256 m', '256Mb', '256Kb', '256mi', '256TB', '1.', '-1m', '1p'])('%j is not a size', (text) => {
    expect(() => parseSize(text)).toThrow(/not a size/);
  });

  it('the schemas accept exactly what the parser reads', () => {
    const text = ['container', 'compose-file']
      .map((name) => fs.readFileSync(path.join(PROJECT_ROOT, `schemas/${name}.schema.json`), 'utf8'))
      .join('\n');
    const patterns = [...text.matchAll(/"pattern": "([^"]*KMGT[^"]*)"/g)].map((m) => JSON.parse(`"${m[1]}"`));
    expect(patterns).toHaveLength(3);
    for (const pattern of patterns) expect(pattern).toBe(SIZE_PATTERN.source);
  });
});

describe('a memory limit means the same in a manifest and in a Compose file', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('256m is 256 MiB for resources.memory, mem_limit and deploy limits alike', async () => {
    const compose = (name: string, service: string) =>
      `apiVersion: tinyforge.dev/v1\nkind: Compose\nmetadata: {name: ${name}}\nspec:\n  compose:\n    services:\n      app:\n        image: tinyforge-test/busybox:1\n${service}`;
    dir = makeFixtureDir({
      'image.yaml': imageManifest('img', ['resources: {memory: 256m}']),
      'mem-limit.yaml': compose('memlimit', '        mem_limit: 256m\n'),
      'deploy.yaml': compose('deploy', '        deploy: {resources: {limits: {memory: 256m}}}\n'),
      'decimal.yaml': imageManifest('decimal', ['resources: {memory: 256M}']),
    });
    const h = new TickHarness(dir);
    await h.tick();
    expect(h.state.invalid).toEqual([]);
    const memory = Object.fromEntries(
      [...h.docker.containers.values()].map((c) => [c.labels['tinyforge.workload.name'], c.request?.spec.memoryBytes]),
    );
    expect(memory).toEqual({ img: 256 * MiB, memlimit: 256 * MiB, deploy: 256 * MiB, decimal: 256_000_000 });
  });
});
