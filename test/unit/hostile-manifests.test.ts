import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFromDisk } from '../../src/adapters/manifest-loader.js';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import type { Problem } from '../../src/api/problem.js';
import { imageManifest, projectManifest } from '../support/fixture-dir.js';
import { mutant } from '../support/manifest-mutator.js';
import { PROJECT_ROOT } from '../support/run-cli.js';
import { TickHarness } from '../support/tick-harness.js';

/**
 * Hostile manifests at volume: a seeded corpus of random edits of the example manifests
 * and the test fixtures, each loaded through the real loader with a bound on its time and
 * memory. TINYFORGE_SOAK=1 runs ten times as many (TINYFORGE_SOAK_SEED picks another corpus).
 */
const SOAK = process.env['TINYFORGE_SOAK'] === '1';
const SEED = Number(process.env['TINYFORGE_SOAK_SEED'] ?? 12);
const DOCUMENTS = SOAK ? 100_000 : 10_000;
const HARNESS_DOCUMENTS = SOAK ? 10_000 : 500;
/** Bounds a hang or a blow-up, never a speed: one document takes a few ms. */
const MAX_MS_PER_DOCUMENT = 5_000;
const MAX_HEAP_GROWTH = 256 * 2 ** 20;
const TIMEOUT_MS = SOAK ? 30 * 60_000 : 120_000;

/** Memory when the machine has it: 10,000 writes of one file cost seconds on a disk. */
const SCRATCH = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
const read = (file: string) => fs.readFileSync(file, 'utf8');
const yamlIn = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => read(path.join(dir, f)));

/** The lines of the files problems name, as the loader reads them (a leading BOM dropped); undefined: no such file. */
function linesOf(root: string): (file: string) => string[] | undefined {
  const cache = new Map<string, string[] | undefined>();
  return (file) => {
    if (!cache.has(file)) {
      const full = path.resolve(root, file);
      const text = fs.existsSync(full) ? read(full).replace(/^\ufeff/, '') : undefined;
      cache.set(file, text?.split('\n'));
    }
    return cache.get(file);
  };
}

/** Why a problem's position is not inside the file it names, or undefined when it is. */
function outOfBounds(problem: Problem, lines: (file: string) => string[] | undefined): string | undefined {
  const all = lines(problem.file);
  if (all === undefined) return `names no file of the directory: ${problem.file}`;
  const line = all[problem.line - 1];
  if (!Number.isInteger(problem.line) || line === undefined) return `line ${problem.line} of ${all.length}`;
  if (!Number.isInteger(problem.column) || problem.column < 1 || problem.column > line.length + 1)
    return `column ${problem.column} of a line of ${line.length}`;
  return undefined;
}

describe(`hostile manifests at volume (${DOCUMENTS} documents, seed ${SEED})`, () => {
  let root = '';
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(SCRATCH, 'tinyforge-hostile-'));
    // The examples refer to web.env, site/ and compose/: mutants load beside them.
    fs.cpSync(path.join(PROJECT_ROOT, 'manifests'), root, { recursive: true });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it(
    'every mutant loads without a throw, in bounded time and memory, and every problem has file:line:col',
    () => {
      const bases = [
        ...yamlIn(path.join(PROJECT_ROOT, 'manifests')),
        ...yamlIn(path.join(PROJECT_ROOT, 'src/sandbox/manifests')),
        imageManifest('web', ['replicas: 2', 'ports: [{container: 80, host: 8080}]', 'env: {A: "1"}']),
        projectManifest('1'),
      ];
      const file = path.join(root, 'mutant.yaml');
      const failures: string[] = [];
      const heapAtStart = process.memoryUsage().heapUsed;
      let invalid = 0;
      let slowest = 0;
      for (let i = 0; i < DOCUMENTS && failures.length < 5; i++) {
        const { text, edits } = mutant(bases, SEED, i);
        const what = `document ${i} (seed ${SEED}; ${edits.join(', ')})`;
        fs.writeFileSync(file, text);
        const heapBefore = process.memoryUsage().heapUsed;
        const started = performance.now();
        let load: ReturnType<typeof loadFromDisk>;
        try {
          load = loadFromDisk({ files: [file], root }, DEFAULT_POLICY, { cwd: root });
        } catch (error) {
          failures.push(`${what} threw: ${(error as Error).stack}`);
          continue;
        }
        const ms = performance.now() - started;
        slowest = Math.max(slowest, ms);
        if (ms > MAX_MS_PER_DOCUMENT) failures.push(`${what} took ${Math.round(ms)} ms`);
        const grew = process.memoryUsage().heapUsed - heapBefore;
        if (grew > MAX_HEAP_GROWTH) failures.push(`${what} grew the heap by ${grew} bytes`);
        if (load.problems.length === 0 && load.workloads.length === 0)
          failures.push(`${what}: no workload, no problem`);
        if (load.problems.length > 0) invalid++;
        const lines = linesOf(root);
        for (const problem of load.problems) {
          const wrong = outOfBounds(problem, lines);
          if (wrong) failures.push(`${what}: ${problem.file}:${problem.line}:${problem.column} ${wrong}`);
        }
      }
      expect(failures).toEqual([]);
      expect(process.memoryUsage().heapUsed - heapAtStart).toBeLessThan(MAX_HEAP_GROWTH);
      // The corpus is hostile: most of it must be invalid, and some of it still valid.
      expect(invalid).toBeGreaterThan(DOCUMENTS / 2);
      expect(invalid).toBeLessThan(DOCUMENTS);
      expect(slowest).toBeLessThan(MAX_MS_PER_DOCUMENT);
    },
    TIMEOUT_MS,
  );

  it(
    'an invalid mutant of a running workload changes no container',
    async () => {
      const dir = fs.mkdtempSync(path.join(SCRATCH, 'tinyforge-hostile-harness-'));
      try {
        const good = imageManifest('web', ['replicas: 2', 'command: [sleep, "3600"]', 'env: {A: "1"}']);
        fs.writeFileSync(path.join(dir, 'web.yaml'), good);
        const h = new TickHarness(dir);
        await h.tick();
        await h.tick();
        const running = h.state.workloads['image/web']!.containers.map((c) => c.containerId);
        expect(running).toHaveLength(2);
        const settled = h.docker.mutations().length;
        let ticked = 0;
        for (let i = 0; i < HARNESS_DOCUMENTS; i++) {
          const { text, edits } = mutant([good], SEED + 1, i);
          fs.writeFileSync(path.join(dir, 'web.yaml'), text);
          if (h.view().problems.length === 0) continue;
          ticked++;
          const result = await h.tick();
          const what = `document ${i} (seed ${SEED + 1}; ${edits.join(', ')}):\n${text}`;
          expect(h.docker.mutations().slice(settled), what).toEqual([]);
          expect(result.planLines, what).toEqual([]);
          expect(
            h.state.workloads['image/web']?.containers.map((c) => c.containerId),
            what,
          ).toEqual(running);
        }
        expect(ticked).toBeGreaterThan(HARNESS_DOCUMENTS / 2);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT_MS,
  );
});
