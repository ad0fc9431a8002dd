import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from 'yaml-language-server';
import type { Problem } from '../../src/api/problem.js';
import { editorDiagnostics } from '../support/editor-diagnostics.js';
import { makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { PROJECT_ROOT, runCli } from '../support/run-cli.js';

/*
 * The README's editor set-up as a user follows it: `tinyforge schema > tinyforge.schema.json`
 * (or `tinyforge schema image > image.schema.json`), a modeline naming that file, and
 * yaml-language-server showing what `tinyforge validate` reports.
 */

const BROKEN_IMAGE = `# yaml-language-server: $schema=../image.schema.json
apiVersion: tinyforge.dev/v1
kind: Image
metadata:
  labels: {}
spec:
  image: nginx:1.27
  replicas: "two"
`;

const BROKEN_STACK = `# yaml-language-server: $schema=../tinyforge.schema.json
apiVersion: tinyforge.dev/v1
kind: Stack
metadata:
  name: workers
spec:
  services:
    queue:
      image: busybox:1.36
      replicas: two
      init: yes please
    worker:
      image: busybox:1.36
      restart: sometimes
      imagee: x
`;

let dir = '';
beforeAll(() => {
  dir = makeFixtureDir({
    'tinyforge.schema.json': printedSchema([]),
    'image.schema.json': printedSchema(['image']),
    'broken/image.yaml': BROKEN_IMAGE,
    'broken/stack.yaml': BROKEN_STACK,
  });
  fs.cpSync(path.join(PROJECT_ROOT, 'manifests'), path.join(dir, 'manifests'), { recursive: true });
  for (const file of yamlFiles('manifests')) {
    const text = fs
      .readFileSync(file, 'utf8')
      .replace(/^# yaml-language-server: \$schema=.*$/m, '# yaml-language-server: $schema=../tinyforge.schema.json');
    fs.writeFileSync(file, text);
  }
});
afterAll(() => removeFixtureDir(dir));

describe('the printed schema in yaml-language-server', () => {
  it('shows nothing for the example manifests, which tinyforge validate accepts', async () => {
    expect(validate('manifests')).toEqual([]);
    const files = yamlFiles('manifests');
    expect(files.length).toBe(5);
    for (const file of files) expect(await editorDiagnostics(file), path.basename(file)).toEqual([]);
  });

  it('marks the lines and fields tinyforge validate names in a broken Image (schema image)', async () => {
    const diagnostics = await editorDiagnostics(path.join(dir, 'broken/image.yaml'));
    expectSameAsValidate(diagnostics, 'broken/image.yaml');
    expect(diagnostics.map((d) => d.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('"name"'), expect.stringContaining('"integer"')]),
    );
  });

  it('marks the lines and fields tinyforge validate names in a broken Stack (schema)', async () => {
    const diagnostics = await editorDiagnostics(path.join(dir, 'broken/stack.yaml'));
    expectSameAsValidate(diagnostics, 'broken/stack.yaml');
    expect(diagnostics.map((d) => d.message)).toContainEqual(expect.stringContaining('imagee'));
  });
});

function printedSchema(args: string[]): string {
  const result = runCli(['schema', ...args]);
  expect(result.code).toBe(0);
  return result.stdout;
}

function yamlFiles(folder: string): string[] {
  return fs
    .readdirSync(path.join(dir, folder))
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => path.join(dir, folder, name));
}

/** `tinyforge validate --json` on a file or folder of the fixture. */
function validate(target: string): Problem[] {
  return (JSON.parse(runCli(['validate', '--json', target], { cwd: dir }).stdout) as { problems: Problem[] }).problems;
}

/**
 * One diagnostic per problem of `tinyforge validate`, at the same line and column, on the
 * line of the field the problem's path ends in; none says a `$ref` cannot be resolved
 * (after which the server stops checking the document at all).
 */
function expectSameAsValidate(diagnostics: Diagnostic[], file: string): void {
  expect(diagnostics.filter((d) => /\$ref/.test(d.message))).toEqual([]);
  const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
  const fromEditor = diagnostics.map(
    (d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${keyOn(lines[d.range.start.line])}`,
  );
  const fromValidate = validate(file).map((p) => `${p.line}:${p.column} ${p.path.split('/').pop()}`);
  expect(fromValidate.length).toBeGreaterThan(0);
  expect(fromEditor.sort()).toEqual(fromValidate.sort());
}

/** The mapping key a YAML line starts with (`  replicas: two` -> `replicas`). */
function keyOn(line = ''): string | undefined {
  return /^\s*(?:-\s+)?([^\s:#]+):/.exec(line)?.[1];
}
