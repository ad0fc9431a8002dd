import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { formatProblem } from '../../src/api/problem.js';
import { loadFromDisk } from '../../src/app.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

/**
 * Each case is a manifest directory and the exact `file:line:col: message` lines that
 * `tinyforge validate` prints for it. No case may yield a workload that a problem names.
 */
interface Case {
  name: string;
  files: Record<string, string>;
  /** Extra set-up inside the directory (symlinks, FIFOs). */
  prepare?: (dir: string) => void;
  expected: string[] | ((dir: string) => string[]);
}

const REAL_TMP = fs.realpathSync(os.tmpdir());

const stack = (services: string) => `apiVersion: tinyforge.dev/v1
kind: Stack
metadata:
  name: app
spec:
  services:
${services}`;

const compose = (spec: string) => `apiVersion: tinyforge.dev/v1
kind: Compose
metadata:
  name: notes
spec:
${spec}`;

const cases: Case[] = [
  {
    name: 'a word where an integer belongs',
    files: { 'web.yaml': imageManifest('web', ['replicas: two']) },
    expected: ['web.yaml:7:13: spec.replicas must be an integer (got "two")'],
  },
  {
    name: 'an unknown field, with a suggestion',
    files: { 'web.yaml': imageManifest('web', ['replica: 2']) },
    expected: ['web.yaml:7:3: spec.replica: unknown field "replica" (did you mean "replicas"?)'],
  },
  {
    name: 'an unknown top-level field',
    files: { 'web.yaml': imageManifest('web').replace('spec:', 'status: {}\nspec:') },
    expected: ['web.yaml:5:1: status: unknown field "status"'],
  },
  {
    name: 'a number where a string belongs is never coerced',
    files: { 'web.yaml': imageManifest('web', ['env:', '  PORT: 8080']) },
    expected: ['web.yaml:8:11: spec.env.PORT must be a string (got 8080; quote it: "8080")'],
  },
  {
    name: 'a boolean where a string belongs',
    files: { 'web.yaml': imageManifest('web', ['env:', '  DEBUG: true']) },
    expected: ['web.yaml:8:12: spec.env.DEBUG must be a string (got true; quote it: "true")'],
  },
  {
    name: 'a tag that YAML reads as a number',
    files: {
      'shop.yaml': `apiVersion: tinyforge.dev/v1
kind: Project
metadata:
  name: shop
spec:
  image: tinyforge-test/busybox
  port: 8080
  stages:
    - name: production
      tag: 1.10
`,
    },
    expected: [
      'shop.yaml:10:12: spec.stages[0].tag must be a string (got 1.10, which YAML reads as 1.1; quote it: "1.10")',
    ],
  },
  {
    name: 'a Project off network host without the port its app listens on',
    files: {
      'shop.yaml': `apiVersion: tinyforge.dev/v1
kind: Project
metadata:
  name: shop
spec:
  image: tinyforge-test/busybox
  network: none
  stages:
    - name: production
      tag: "1"
`,
    },
    expected: [
      'shop.yaml:5:1: spec is missing required field "port" (port is where the app listens; only network: host needs none, its app listens on $PORT)',
    ],
  },
  {
    name: 'replicas above the limit',
    files: { 'web.yaml': imageManifest('web', ['replicas: 500']) },
    expected: ['web.yaml:7:13: spec.replicas must be at most 100 (got 500)'],
  },
  {
    name: 'a value outside an enum',
    files: { 'web.yaml': imageManifest('web', ['pullPolicy: Sometimes']) },
    expected: ['web.yaml:7:15: spec.pullPolicy must be one of "IfNotPresent", "Always", "Never" (got "Sometimes")'],
  },
  {
    name: 'a name that is not a DNS label',
    files: { 'web.yaml': imageManifest('Web_1') },
    expected: [
      `web.yaml:4:9: metadata.name must be a DNS label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters (got "Web_1")`,
    ],
  },
  {
    name: 'a missing required field',
    files: { 'web.yaml': imageManifest('web').replace('  image: tinyforge-test/busybox:1\n', '  replicas: 1\n') },
    expected: ['web.yaml:5:1: spec is missing required field "image"'],
  },
  {
    name: 'a wrong apiVersion and an unknown kind',
    files: { 'web.yaml': 'apiVersion: tinyforge.dev/v2\nkind: Imagee\nmetadata: {name: web}\nspec: {}\n' },
    expected: [
      'web.yaml:1:13: apiVersion must be "tinyforge.dev/v1" (got "tinyforge.dev/v2")',
      'web.yaml:2:7: kind must be one of "Image", "Stack", "Project", "Compose", "Static" (got "Imagee"; did you mean "Image"?)',
    ],
  },
  {
    name: 'privileged without --allow-privileged',
    files: { 'web.yaml': imageManifest('web', ['privileged: true']) },
    expected: [
      'web.yaml:7:15: spec.privileged: privileged containers are not allowed; the operator can allow them with --allow-privileged',
    ],
  },
  {
    name: 'an added capability without --allow-capabilities',
    files: { 'web.yaml': imageManifest('web', ['capAdd: [NET_ADMIN]']) },
    expected: [
      'web.yaml:7:12: spec.capAdd[0]: capability NET_ADMIN is not allowed; the operator can allow it with --allow-capabilities NET_ADMIN',
    ],
  },
  {
    name: 'devices without --allow-devices',
    files: { 'web.yaml': imageManifest('web', ['devices: [/dev/fuse]']) },
    expected: [
      'web.yaml:7:12: spec.devices: host devices are not allowed; the operator can allow them with --allow-devices',
    ],
  },
  {
    name: 'host PID and IPC namespaces without --allow-host-namespaces',
    files: { 'web.yaml': imageManifest('web', ['pid: host', 'ipc: host']) },
    expected: [
      "web.yaml:7:8: spec.pid: sharing the host's pid namespace is not allowed; the operator can allow it with --allow-host-namespaces",
      "web.yaml:8:8: spec.ipc: sharing the host's ipc namespace is not allowed; the operator can allow it with --allow-host-namespaces",
    ],
  },
  {
    name: 'a host path leaving the directory by ..',
    files: { 'web.yaml': imageManifest('web', ['volumes:', '  - hostPath: ..', '    target: /data']) },
    expected: [
      `web.yaml:8:17: spec.volumes[0].hostPath: host path ${REAL_TMP} is outside the manifest directory; the operator can allow it with --allow-host-paths ${REAL_TMP}`,
    ],
  },
  {
    name: 'an env file leaving the directory by ..',
    files: { 'web.yaml': imageManifest('web', ['envFiles: [../secret.env]']) },
    expected: ['web.yaml:7:14: spec.envFiles[0] leaves the manifest directory ("../secret.env")'],
  },
  {
    name: 'an env file leaving the directory by a symlink',
    files: { 'web.yaml': imageManifest('web', ['envFiles: [evil.env]']) },
    prepare: (dir) => fs.symlinkSync('/etc/hostname', path.join(dir, 'evil.env')),
    expected: ['web.yaml:7:14: spec.envFiles[0] leaves the manifest directory through a symlink ("evil.env")'],
  },
  {
    name: 'a host path folder leaving the directory by a symlink',
    files: { 'web.yaml': imageManifest('web', ['volumes: [{hostPath: data, target: /data}]']) },
    prepare: (dir) => fs.symlinkSync('/etc', path.join(dir, 'data')),
    expected: [
      'web.yaml:7:24: spec.volumes[0].hostPath: host path /etc is outside the manifest directory through a symlink; the operator can allow it with --allow-host-paths /etc',
    ],
  },
  {
    name: 'an absolute env file',
    files: { 'web.yaml': imageManifest('web', ['envFiles: [/etc/hostname]']) },
    expected: ['web.yaml:7:14: spec.envFiles[0] must be a path relative to the manifest file (got "/etc/hostname")'],
  },
  {
    name: 'the Docker socket as a host path',
    files: {
      'web.yaml': imageManifest('web', [
        'volumes:',
        '  - hostPath: /var/run/docker.sock',
        '    target: /var/run/docker.sock',
      ]),
    },
    expected: [
      'web.yaml:8:17: spec.volumes[0].hostPath: the Docker socket can never be mounted ("/var/run/docker.sock")',
    ],
  },
  {
    name: 'a folder holding the Docker socket as a host path',
    files: { 'web.yaml': imageManifest('web', ['volumes: [{hostPath: /run, target: /host-run}]']) },
    expected: ['web.yaml:7:24: spec.volumes[0].hostPath: the Docker socket can never be mounted ("/run")'],
  },
  {
    name: 'a missing env file',
    files: { 'web.yaml': imageManifest('web', ['envFiles: [web.env]']) },
    expected: (dir) => [
      `web.yaml:7:14: spec.envFiles[0]: "web.env" does not exist (looked for ${path.join(dir, 'web.env').slice(dir.length + 1)})`,
    ],
  },
  {
    name: 'an env file line that is not KEY=value, without quoting it',
    files: { 'web.yaml': imageManifest('web', ['envFiles: [web.env]']), 'web.env': 'GOOD=1\nthis is secret\n' },
    expected: ['web.env:2:1: env file: line is not KEY=value'],
  },
  {
    name: 'a Static path that is a file, not a folder',
    files: {
      'docs.yaml': 'apiVersion: tinyforge.dev/v1\nkind: Static\nmetadata: {name: docs}\nspec: {path: index.html}\n',
      'index.html': '<h1>hi</h1>\n',
    },
    expected: ['docs.yaml:4:14: spec.path: "index.html" is not a folder'],
  },
  {
    name: 'a label under tinyforge.',
    files: {
      'web.yaml': imageManifest('web').replace(
        '  name: web\n',
        '  name: web\n  labels:\n    tinyforge.managed: "true"\n',
      ),
    },
    expected: [
      'web.yaml:6:5: metadata.labels["tinyforge.managed"]: labels under "tinyforge." are reserved for the controller',
    ],
  },
  {
    name: 'the same name in two files, across kinds',
    files: {
      'a.yaml': imageManifest('web'),
      'b.yaml': stack('    web: {image: tinyforge-test/busybox:1}\n').replace('name: app', 'name: web'),
    },
    expected: [
      'a.yaml:4:9: metadata.name "web" is also used by b.yaml:4:9 (stack/web); names must be unique across kinds',
      'b.yaml:4:9: metadata.name "web" is also used by a.yaml:4:9 (image/web); names must be unique across kinds',
    ],
  },
  {
    name: 'two documents of one file with the same name',
    files: { 'web.yaml': `${imageManifest('web')}---\n${imageManifest('web')}` },
    expected: [
      'web.yaml:4:9: metadata.name "web" is also used by web.yaml:11:9 (image/web); names must be unique across kinds',
      'web.yaml:11:9: metadata.name "web" is also used by web.yaml:4:9 (image/web); names must be unique across kinds',
    ],
  },
  {
    name: 'two workloads binding the same host port',
    files: {
      'a.yaml': imageManifest('a', ['ports: [{container: 80, host: 8080}]']),
      'b.yaml': imageManifest('b', ['ports: [{container: 80, host: 8080, hostIP: 0.0.0.0}]']),
    },
    expected: [
      'a.yaml:7:33: host port 127.0.0.1:8080/tcp is also claimed by image/b (b.yaml:7:33)',
      'b.yaml:7:33: host port 0.0.0.0:8080/tcp is also claimed by image/a (a.yaml:7:33)',
    ],
  },
  {
    name: 'two routes for one domain',
    files: {
      'a.yaml': imageManifest('a', ['domain: app.localhost']),
      'b.yaml': imageManifest('b', ['domain: app.localhost']),
    },
    expected: [
      'a.yaml:7:11: a route for domain app.localhost is also claimed by image/b (b.yaml:7:11)',
      'b.yaml:7:11: a route for domain app.localhost is also claimed by image/a (a.yaml:7:11)',
    ],
  },
  {
    name: 'two workloads whose role names would be the same',
    files: {
      'a.yaml':
        'apiVersion: tinyforge.dev/v1\nkind: Stack\nmetadata: {name: app}\nspec:\n  services:\n    b-c: {image: tinyforge-test/busybox:1}\n',
      'b.yaml':
        'apiVersion: tinyforge.dev/v1\nkind: Stack\nmetadata: {name: app-b}\nspec:\n  services:\n    c: {image: tinyforge-test/busybox:1}\n',
    },
    expected: [
      'a.yaml:6:10: the name app-b-c (of stack/app, role b-c) is also claimed by stack/app-b (b.yaml:6:8)',
      'b.yaml:6:8: the name app-b-c (of stack/app-b, role c) is also claimed by stack/app (a.yaml:6:10)',
    ],
  },
  {
    name: 'a published port on network none',
    files: { 'web.yaml': imageManifest('web', ['network: none', 'ports: [{container: 80, host: 8080}]']) },
    expected: ['web.yaml:8:33: spec.ports[0].host: ports cannot be published with network "none"'],
  },
  {
    name: 'replicas that would all bind one host port',
    files: { 'web.yaml': imageManifest('web', ['replicas: 2', 'ports: [{container: 80, host: 8080}]']) },
    expected: [
      'web.yaml:8:33: spec.ports[0].host: 2 replicas cannot all bind host port 8080; use one replica or leave "host" out',
    ],
  },
  {
    name: 'dependsOn naming a missing service',
    files: { 'app.yaml': stack('    api: {image: tinyforge-test/busybox:1, dependsOn: [db]}\n') },
    expected: ['app.yaml:7:56: spec.services.api.dependsOn[0]: no service "db" in this stack (services: api)'],
  },
  {
    name: 'a dependsOn cycle',
    files: {
      'app.yaml': stack(
        '    a: {image: tinyforge-test/busybox:1, dependsOn: [b]}\n    b: {image: tinyforge-test/busybox:1, dependsOn: [a]}\n',
      ),
    },
    expected: ['app.yaml:7:53: spec.services: dependsOn forms a cycle: a -> b -> a'],
  },
  {
    name: 'a Compose key outside the supported subset',
    files: {
      'notes.yaml': compose(
        '  compose:\n    services:\n      web:\n        image: tinyforge-test/busybox:1\n        container_name: web\n',
      ),
    },
    expected: ['notes.yaml:10:9: spec.compose.services.web.container_name: unknown field "container_name"'],
  },
  {
    name: 'a Compose file with an error, located in that file',
    files: {
      'notes.yaml': compose('  file: notes.compose.yaml\n'),
      'notes.compose.yaml': 'services:\n  web:\n    image: tinyforge-test/busybox:1\n    ports: [true]\n',
    },
    expected: [
      'notes.compose.yaml:4:13: services.web.ports[0] must be a port: "[[ip:]host:]container[/proto]", a container port number, or {target, published, host_ip, protocol} (got true)',
    ],
  },
  {
    name: 'a Compose workload with both file and compose',
    files: {
      'notes.yaml': compose(
        '  file: notes.compose.yaml\n  compose:\n    services:\n      web: {image: tinyforge-test/busybox:1}\n',
      ),
      'notes.compose.yaml': 'services:\n  web: {image: tinyforge-test/busybox:1}\n',
    },
    expected: [
      'notes.yaml:6:3: spec must have exactly one of "file" (a compose file) and "compose" (the application inline)',
    ],
  },
  {
    name: 'a YAML syntax error',
    files: { 'web.yaml': 'apiVersion: tinyforge.dev/v1\nkind: [Image\nmetadata: {name: web}\n' },
    expected: [
      'web.yaml:3:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
  },
  {
    name: 'a duplicate key',
    files: { 'web.yaml': imageManifest('web', ['replicas: 1', 'replicas: 2']) },
    expected: ['web.yaml:8:3: duplicate key: each key may appear once in a map'],
  },
  {
    name: 'an alias bomb',
    files: {
      'bomb.yaml': [
        'a0: &a0 [x, x, x, x, x, x, x, x, x]',
        ...Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`),
        '',
      ].join('\n'),
    },
    expected: ['bomb.yaml:1:1: document 1: too many alias expansions (more than 100): refusing a possible alias bomb'],
  },
  {
    name: 'a circular alias',
    files: { 'web.yaml': 'apiVersion: tinyforge.dev/v1\nkind: Image\nmetadata: &m {name: web, labels: *m}\n' },
    expected: ['web.yaml:3:34: alias *m refers to a node that contains it (circular alias)'],
  },
  {
    name: 'a __proto__ key',
    files: { 'web.yaml': imageManifest('web', ['__proto__: {polluted: "yes"}']) },
    expected: ['web.yaml:7:3: key "__proto__" is not allowed'],
  },
  {
    name: 'a constructor key',
    files: { 'web.yaml': imageManifest('web', ['env:', '  constructor: "x"']) },
    expected: ['web.yaml:8:5: key "constructor" is not allowed'],
  },
  {
    name: 'a !!set tag',
    files: { 'web.yaml': imageManifest('web', ['args: !!set {a, b}']) },
    expected: [
      'web.yaml:7:9: explicit tags are not supported (!!set): write a plain value, and quote it if it should be a string',
    ],
  },
  {
    name: 'a !!timestamp tag',
    files: { 'web.yaml': imageManifest('web', ['env: {AT: !!timestamp 2001-12-14}']) },
    expected: [
      'web.yaml:7:13: explicit tags are not supported (!!timestamp): write a plain value, and quote it if it should be a string',
    ],
  },
  {
    name: 'a custom tag',
    files: { 'web.yaml': imageManifest('web', ['env: {AT: !secret x}']) },
    expected: [
      'web.yaml:7:13: explicit tags are not supported (!secret): write a plain value, and quote it if it should be a string',
    ],
  },
  {
    name: 'a %YAML 1.1 directive',
    files: { 'web.yaml': `%YAML 1.1\n---\n${imageManifest('web')}` },
    expected: ['web.yaml:1:1: %YAML 1.1 is not supported: manifests are YAML 1.2 (remove the directive)'],
  },
  {
    name: '.nan as a value',
    files: { 'web.yaml': imageManifest('web', ['resources: {cpus: .nan}']) },
    expected: ['web.yaml:7:21: .nan is not a usable number (quote it if it is text)'],
  },
  {
    name: 'an empty file',
    files: { 'web.yaml': '' },
    expected: ['web.yaml:1:1: file is incomplete: it holds no YAML document (empty or only comments)'],
  },
  {
    name: 'a file with only comments',
    files: { 'web.yaml': '# to be written\n# later\n' },
    expected: ['web.yaml:1:1: file is incomplete: it holds no YAML document (empty or only comments)'],
  },
  {
    name: 'a document that is not a map',
    files: { 'web.yaml': '- apiVersion: tinyforge.dev/v1\n' },
    expected: ['web.yaml:1:1: a manifest must be a map (apiVersion, kind, metadata, spec)'],
  },
  {
    name: 'a file over 1 MiB',
    files: { 'big.yaml': `# ${'x'.repeat(1024 * 1024)}\n` },
    expected: ['big.yaml:1:1: file is 1048579 bytes, over the 1 MiB limit: refused'],
  },
  {
    name: 'a FIFO named like a manifest',
    files: {},
    // node:fs cannot make a FIFO; coreutils' mkfifo is everywhere tinyforge runs.
    prepare: (dir) => execFileSync('mkfifo', [path.join(dir, 'pipe.yaml')]),
    expected: ['pipe.yaml:1:1: not a regular file (FIFO, device or socket): refused'],
  },
  {
    name: 'a manifest symlink leading outside the directory',
    files: {},
    prepare: (dir) => fs.symlinkSync('/etc/hostname', path.join(dir, 'host.yaml')),
    expected: ['host.yaml:1:1: symlink leads outside the manifest directory (to /etc/hostname): refused'],
  },
];

describe('invalid manifests', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) removeFixtureDir(dir);
    dir = undefined;
  });

  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    dir = makeFixtureDir(testCase.files);
    testCase.prepare?.(dir);
    const load = loadFromDisk({ dir }, DEFAULT_POLICY, { cwd: dir });
    const expected = typeof testCase.expected === 'function' ? testCase.expected(dir) : testCase.expected;
    expect(load.problems.map(formatProblem)).toEqual(expected);
    // A document with a problem never becomes a workload.
    const named = new Set(load.invalidIds);
    expect(load.workloads.filter((w) => named.has(w.id))).toEqual([]);
    expect(load.workloads.filter((w) => load.invalidFiles.includes(w.source.file))).toEqual([]);
  });
});
