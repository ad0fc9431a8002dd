import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A throw-away manifest directory: `files` maps relative paths to contents (folders are
 * created). Returns its absolute path; remove it with `removeFixtureDir`.
 */
export function makeFixtureDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-fixture-'));
  for (const [relative, content] of Object.entries(files)) {
    const full = path.join(dir, relative);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
  return dir;
}

export function removeFixtureDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** The smallest valid Image manifest, with extra spec lines appended (indented two spaces). */
export function imageManifest(name: string, specLines: string[] = []): string {
  return [
    'apiVersion: tinyforge.dev/v1',
    'kind: Image',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  image: tinyforge-test/busybox:1',
    ...specLines.map((l) => `  ${l}`),
    '',
  ].join('\n');
}

/**
 * A Project `shop` on network host (no `port`: each slot listens on its own $PORT) with one
 * stage, `production` at `tag`, routed from `shop.localhost`; `spec` lines are appended to
 * its spec, `stage` lines to the stage.
 */
export function projectManifest(tag: string, spec: string[] = [], stage: string[] = []): string {
  return [
    'apiVersion: tinyforge.dev/v1',
    'kind: Project',
    'metadata: {name: shop}',
    'spec:',
    '  image: tinyforge-test/busybox',
    '  network: host',
    '  init: true',
    ...spec.map((line) => `  ${line}`),
    '  stages:',
    '    - name: production',
    `      tag: "${tag}"`,
    '      domain: shop.localhost',
    ...stage.map((line) => `      ${line}`),
    '',
  ].join('\n');
}

/**
 * A Static site `docs` served by busybox httpd on network host at 127.0.0.1:`port` (its
 * `port`, where a route goes), from the folder `site` mounted at /www, with `spec` lines
 * appended (by default its domain, docs.localhost).
 */
export function staticManifest(port: number, spec: string[] = ['domain: docs.localhost']): string {
  return [
    'apiVersion: tinyforge.dev/v1',
    'kind: Static',
    'metadata: {name: docs}',
    'spec:',
    '  path: site',
    '  root: /www',
    '  image: tinyforge-test/busybox:1',
    '  pullPolicy: Never',
    `  command: [httpd, -f, -p, "127.0.0.1:${port}", -h, /www]`,
    `  port: ${port}`,
    '  network: host',
    '  init: true',
    '  stopTimeout: 1s',
    ...spec.map((l) => `  ${l}`),
    '',
  ].join('\n');
}
