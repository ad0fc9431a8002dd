import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** Every `import ... from '...'` of every source file, as [file relative to src/, specifier]. */
function imports(): [string, string][] {
  const found: [string, string][] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        const text = fs.readFileSync(full, 'utf8');
        for (const match of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms))
          found.push([path.relative(SRC, full), match[1]!]);
      }
    }
  };
  walk(SRC);
  return found;
}

/** Which top-level part of src/ an import lands in (`api`, `manifest`, `app.ts`), or the package name. */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  const resolved = path.relative(SRC, path.resolve(SRC, path.dirname(file), specifier));
  return resolved.split(path.sep)[0]!.replace(/\.js$/, '.ts');
}

const RULES: { layer: string; forbidden: RegExp; why: string }[] = [
  { layer: 'api', forbidden: /^(?!api$).*/, why: 'api/ holds types and constants only and imports nothing' },
  {
    layer: 'manifest',
    forbidden: /^(node:fs|node:fs\/promises|dockerode|lowdb|chokidar|adapters|cli|app\.ts|controller|reconcile)$/,
    why: 'manifest/ turns text into workloads without I/O',
  },
  {
    layer: 'reconcile',
    forbidden: /^(node:fs|node:fs\/promises|node:timers|dockerode|lowdb|chokidar|adapters|cli|app\.ts)$/,
    why: 'reconcile/ depends on ports only',
  },
  {
    layer: 'controller',
    forbidden: /^(node:fs|dockerode|lowdb|chokidar|adapters|cli|app\.ts)$/,
    why: 'controller/ knows nothing of Docker or files',
  },
  {
    layer: 'adapters',
    forbidden: /^(cli|app\.ts|controller)$/,
    why: 'adapters are wired by app.ts, never the other way round',
  },
  {
    layer: 'cli',
    forbidden: /^(adapters|dockerode|lowdb|chokidar)$/,
    why: 'commands reach adapters only through app.ts',
  },
];

describe('dependency direction', () => {
  const all = imports();

  it('finds the imports it checks', () => {
    expect(all.length).toBeGreaterThan(20);
  });

  it.each(RULES.map((r) => [r.layer, r] as const))('%s/ keeps to its layer', (_layer, rule) => {
    const broken = all
      .filter(([file]) => file.split(path.sep)[0] === rule.layer)
      .map(([file, specifier]) => ({ file, specifier, lands: target(file, specifier) }))
      .filter(({ lands }) => rule.forbidden.test(lands))
      .map(({ file, specifier }) => `${file} imports ${specifier}: ${rule.why}`);
    expect(broken).toEqual([]);
  });
});
