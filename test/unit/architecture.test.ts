import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

/**
 * What each part of src/ may import: other parts (`api`, `app` for the top-level app*.ts files, `main` for
 * main.ts) and packages (node: builtins by full specifier, others by package name). Anything else fails.
 */
const LAYERS: Record<string, { layers: string[]; packages: string[]; rule: string }> = {
  api: { layers: ['api'], packages: [], rule: 'api/ holds types and constants only and imports nothing outside api/' },
  manifest: {
    layers: ['api', 'manifest'],
    packages: ['ajv', 'yaml', 'node:path'],
    rule: 'manifest/ turns text into workloads without I/O: no node:fs, adapters, reconcile or controller',
  },
  reconcile: {
    layers: ['api', 'reconcile'],
    packages: ['node:crypto', 'node:path'],
    rule: 'reconcile/ depends on ports only: no node:fs, timers, dockerode, lowdb, chokidar, adapters, cli or app',
  },
  controller: {
    layers: ['api', 'controller'],
    packages: [],
    rule: 'controller/ knows nothing of Docker or files: its timers come in through its options',
  },
  adapters: {
    layers: ['api', 'manifest', 'reconcile', 'adapters'],
    packages: [
      ...['ajv', 'chokidar', 'dockerode', 'lowdb', 'node:child_process', 'node:crypto', 'node:fs', 'node:fs/promises'],
      ...['node:http', 'node:module', 'node:net', 'node:os', 'node:path', 'node:timers/promises', 'node:url'],
      ...['node:stream', 'node:string_decoder', 'node:util', 'node:v8', 'node:vm', 'node:zlib', 'prom-client'],
    ],
    rule: 'adapters/ touch the outside world and are wired by app*.ts, never importing cli, app or controller',
  },
  cli: {
    layers: ['api', 'manifest', 'reconcile', 'cli', 'app'],
    packages: ['node:net', 'node:path', 'node:timers/promises', 'node:util', 'yaml'],
    rule: 'cli/ parses arguments and prints; it reaches adapters, Docker and files only through app*.ts',
  },
  build: {
    layers: ['api', 'manifest', 'adapters', 'build'],
    packages: ['ajv', 'esbuild', 'node:crypto', 'node:fs', 'node:path', 'node:url'],
    rule: 'build/ scripts run at build time on schemas and files; the running controller never imports them',
  },
  app: {
    layers: ['api', 'manifest', 'reconcile', 'controller', 'adapters', 'app'],
    packages: [
      'lowdb',
      'node:child_process',
      'node:crypto',
      'node:fs',
      'node:http',
      'node:path',
      'node:timers/promises',
    ],
    rule: 'app*.ts are the composition root: they wire adapters to the reconciler and the controller, never cli',
  },
  main: { layers: ['cli'], packages: [], rule: 'main.ts is the bin: it hands argv to cli/ and nothing else' },
};

/** Known breaks of a layer's rule, each with its reason; the test fails once one is gone, so the list only shrinks. */
const EXCEPTIONS: { file: string; specifier: string; why: string }[] = [];

const FORMS = [
  // import x from '…', import { a, type B } from "…", import * as n from '…', import type …, export … from '…'
  /(?<![\w$.])(?:import|export)\s+(?:type\s+)?[\w$*{},\s]*?\bfrom\s*(['"])([^'"\n]+)\1/g,
  // import '…' (side effect only)
  /(?<![\w$.])import\s*(['"])([^'"\n]+)\1/g,
  // import('…'), also in `typeof import('…')`
  /(?<![\w$.])import\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g,
];

/** Every module specifier a source text imports or re-exports, statically, for types, or dynamically. */
function specifiers(text: string): string[] {
  return FORMS.flatMap((form) => [...text.matchAll(form)].map((match) => match[2]!));
}

/** The part of src/ a file relative to src/ belongs to: its folder, or `app` / `main` for the top-level files. */
function layerOf(file: string): string {
  const [first, ...rest] = file.split(path.sep);
  if (rest.length > 0) return first!;
  if (/^app(-[\w-]+)?\.ts$/.test(first!)) return 'app';
  return first!.replace(/\.ts$/, '');
}

/** What an import lands on: a layer for a relative path, a node: builtin as written, or a package name. */
function target(file: string, specifier: string): { layer: string } | { package: string } {
  if (specifier.startsWith('.')) {
    const resolved = path.relative(SRC, path.resolve(SRC, path.dirname(file), specifier));
    if (resolved.startsWith('..')) return { layer: `outside src/ (${resolved})` };
    return { layer: layerOf(resolved.replace(/\.js$/, '.ts')) };
  }
  if (specifier.startsWith('node:')) return { package: specifier };
  const parts = specifier.split('/');
  return { package: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]! };
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(SRC, full)] : [];
  });
}

const IMPORTS = sourceFiles(SRC).flatMap((file) =>
  specifiers(fs.readFileSync(path.join(SRC, file), 'utf8')).map((specifier) => ({ file, specifier })),
);

function isExcepted(file: string, specifier: string): boolean {
  return EXCEPTIONS.some((e) => e.file === file.split(path.sep).join('/') && e.specifier === specifier);
}

/** The imports a layer's allow-list does not cover, as `file imports specifier: rule`. */
function broken(layer: string): string[] {
  const allowed = LAYERS[layer]!;
  return IMPORTS.filter(({ file }) => layerOf(file) === layer)
    .filter(({ file, specifier }) => {
      const lands = target(file, specifier);
      const ok = 'layer' in lands ? allowed.layers.includes(lands.layer) : allowed.packages.includes(lands.package);
      return !ok && !isExcepted(file, specifier);
    })
    .map(({ file, specifier }) => `${file} imports ${specifier}: ${allowed.rule}`);
}

describe('the import scanner', () => {
  it('sees every form an import can take, in either quote style', () => {
    const text = [
      "import fs from 'node:fs';",
      'import { a, type B } from "./double.js";',
      "import * as ns from './namespace.js';",
      "import type { T } from '../type-only.js';",
      'import {\n  one,\n  two,\n} from "./multi-line.js";',
      "import './side-effect.js';",
      'import "./side-effect-double.js";',
      "export { x } from './re-export.js';",
      'export * from "./star.js";',
      "export type { Y } from './type-re-export.js';",
      "const m = await import('./dynamic.js');",
      'const n = await import ( "./dynamic-double.js" );',
      "type P = typeof import('./type-query.js');",
      "const s = 'import from here'; reimport('./not-an-import.js'); x.import('./nor-this.js');",
    ].join('\n');
    expect(specifiers(text).sort()).toEqual(
      [
        'node:fs',
        './double.js',
        './namespace.js',
        '../type-only.js',
        './multi-line.js',
        './side-effect.js',
        './side-effect-double.js',
        './re-export.js',
        './star.js',
        './type-re-export.js',
        './dynamic.js',
        './dynamic-double.js',
        './type-query.js',
      ].sort(),
    );
  });

  it('finds the imports of src/, dynamic ones included', () => {
    expect(IMPORTS.length).toBeGreaterThan(300);
    expect(IMPORTS).toContainEqual({ file: path.join('cli', 'cli.ts'), specifier: './run-command.js' });
  });
});

describe('dependency direction', () => {
  it('knows the layer of every source file', () => {
    const unknown = [...new Set(IMPORTS.map(({ file }) => layerOf(file)))].filter((layer) => !(layer in LAYERS));
    expect(unknown).toEqual([]);
  });

  it.each(Object.keys(LAYERS))('%s keeps to its allow-list', (layer) => {
    expect(broken(layer)).toEqual([]);
  });

  it('lists only exceptions that still happen', () => {
    const stale = EXCEPTIONS.filter(
      (e) =>
        !IMPORTS.some(({ file, specifier }) => file.split(path.sep).join('/') === e.file && specifier === e.specifier),
    );
    expect(stale).toEqual([]);
  });
});
