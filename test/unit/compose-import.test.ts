import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatProblem } from '../../src/api/problem.js';
import { importCompose, workloadName } from '../../src/cli/compose-import.js';
import type { ComposeImport } from '../../src/cli/compose-import.js';

/** A compose file with one key of every kind: mapped, unsupported, Stack-only losses, merge keys, extensions. */
const COMPOSE = `name: My_Shop
x-common: &common
  network_mode: none
  init: true
services:
  db:
    <<: *common
    image: busybox:1.36
    container_name: shop-db
    command: ["sleep", "3600"]
    env_file: db.env
    volumes:
      - data:/data
      - ./conf:/conf:ro
    healthcheck:
      test: ["CMD-SHELL", "test -f /data/ok"]
      interval: 5s
    networks: [back]
  web:
    image: busybox:1.36
    build: .
    entrypoint: /bin/sh
    command: -c "sleep 3600"
    pull_policy: never
    environment:
      GREETING: hi
      PORT: 8080
    ports:
      - "8080:80/udp"
      - target: 81
        published: 8081
        host_ip: 127.0.0.2
    depends_on:
      db:
        condition: service_healthy
    labels: [a=b]
    restart: always
    deploy:
      resources:
        limits: {memory: 64m, cpus: "0.5"}
        reservations: {memory: 32m}
volumes:
  data: {}
networks:
  back: {}
`;

function imported(text: string, split: boolean): ComposeImport {
  const result = importCompose(text, 'app/docker-compose.yml', { split });
  if (!('files' in result)) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result;
}

describe('tinyforge import: a compose file as manifests', () => {
  it('--split maps what maps into a Stack in tinyforge fields, env files as references', () => {
    const result = imported(COMPOSE, true);
    expect(result.name).toBe('my-shop');
    expect(result.files.map((f) => f.path)).toEqual(['my-shop.yaml']);
    const manifest = parse(result.stdout);
    expect(manifest).toMatchObject({ apiVersion: 'tinyforge.dev/v1', kind: 'Stack', metadata: { name: 'my-shop' } });
    expect(manifest.spec.services).toEqual({
      db: {
        image: 'busybox:1.36',
        args: ['sleep', '3600'],
        envFiles: ['db.env'],
        volumes: [
          { name: 'data', target: '/data' },
          { hostPath: 'conf', target: '/conf', readOnly: true },
        ],
        network: 'none',
        init: true,
        healthcheck: { command: ['sh', '-c', 'test -f /data/ok'], interval: '5s' },
      },
      web: {
        image: 'busybox:1.36',
        pullPolicy: 'Never',
        command: ['/bin/sh'],
        args: ['-c', 'sleep 3600'],
        env: { GREETING: 'hi', PORT: '8080' },
        ports: [
          { container: 80, host: 8080, hostIP: '127.0.0.1', protocol: 'udp' },
          { container: 81, host: 8081, hostIP: '127.0.0.2' },
        ],
        restart: 'always',
        labels: { a: 'b' },
        resources: { memory: '64m', cpus: 0.5 },
        dependsOn: ['db'],
      },
    });
  });

  it('names every key it leaves out with the line and column of the compose file', () => {
    const lines = (result: ComposeImport) => result.dropped.map(formatProblem);
    const common = [
      "app/docker-compose.yml:9:5: key 'services.db.container_name' is not supported by tinyforge (dropped)",
      "app/docker-compose.yml:18:5: key 'services.db.networks' is not supported by tinyforge (dropped)",
      "app/docker-compose.yml:21:5: key 'services.web.build' is not supported by tinyforge (dropped)",
      "app/docker-compose.yml:41:9: key 'services.web.deploy.resources.reservations' is not supported by tinyforge (dropped)",
      "app/docker-compose.yml:44:1: key 'networks' is not supported by tinyforge (dropped)",
    ];
    expect(lines(imported(COMPOSE, false))).toEqual(common);
    // A Stack cannot wait for health: the start condition is named too.
    expect(lines(imported(COMPOSE, true))).toEqual([
      ...common.slice(0, 3),
      "app/docker-compose.yml:35:9: key 'services.web.depends_on.db.condition' is not supported by tinyforge (dropped)",
      ...common.slice(3),
    ]);
  });

  it('by default references a copy of the file without the dropped keys, or prints it inline', () => {
    const result = imported(COMPOSE, false);
    expect(result.files.map((f) => f.path)).toEqual(['my-shop.yaml', 'my-shop.compose.yaml']);
    expect(parse(result.files[0]!.text)).toEqual({
      apiVersion: 'tinyforge.dev/v1',
      kind: 'Compose',
      metadata: { name: 'my-shop' },
      spec: { file: 'my-shop.compose.yaml' },
    });
    const copy = parse(result.files[1]!.text);
    expect(Object.keys(copy)).toEqual(['name', 'x-common', 'services', 'volumes']);
    expect(copy.services.db).not.toHaveProperty('container_name');
    expect(copy.services.db).toMatchObject({ network_mode: 'none', env_file: 'db.env' });
    expect(parse(result.stdout).spec).toEqual({ compose: copy });
  });

  it('copies a file it can run as it is word for word, comments included', () => {
    const text = '# my app\nservices:\n  web:\n    image: busybox:1.36 # pinned\n';
    const result = imported(text, false);
    expect([result.files[1]!.text, result.dropped, result.invalid]).toEqual([text, [], []]);
  });

  it('keeps a value tinyforge rejects as written and says so at its line', () => {
    const result = imported('services:\n  web:\n    image: busybox\n    restart: sometimes\n', false);
    expect(result.invalid.map(formatProblem)).toEqual([
      'app/docker-compose.yml:4:14: services.web.restart must be one of "no", "always", "on-failure", "unless-stopped" (got "sometimes") (kept as written: fix it before deploying)',
    ]);
  });

  it('--split writes nothing while a value is invalid: a port range has no Stack field', () => {
    const text = 'services:\n  web:\n    image: busybox\n    ports: ["8000-8010:8000-8010"]\n';
    const result = importCompose(text, 'app/docker-compose.yml', { split: true });
    expect('files' in result).toBe(false);
    const problems = (result as { problems: Parameters<typeof formatProblem>[0][] }).problems.map(formatProblem);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^app\/docker-compose\.yml:4:\d+: services\.web\.ports\[0\] .*\(--split needs it fixed first\)$/,
    );
  });

  it('refuses what is no compose file', () => {
    const problems = (text: string) =>
      (importCompose(text, 'x.yml', { split: false }) as { problems: unknown[] }).problems.map((p) =>
        formatProblem(p as never),
      );
    expect(problems('image: busybox\n')).toEqual(['x.yml:1:1: not a compose file: it has no "services" map']);
    expect(problems('services: {}\n---\nservices: {}\n')).toEqual([
      'x.yml:1:1: a compose file holds one YAML document',
    ]);
    expect(problems('services: [\n')[0]).toMatch(/^x\.yml:2:1: /);
  });

  it('names the workload from --name, the file, or its folder, as a DNS label', () => {
    expect(workloadName('My_Shop')).toBe('my-shop');
    expect(workloadName('__')).toBe('app');
    expect(importCompose('services:\n  a:\n    image: b\n', '/srv/Blog/compose.yaml', { split: true })).toMatchObject({
      name: 'blog',
    });
    expect(importCompose(COMPOSE, 'x.yml', { split: true, name: 'shop' })).toMatchObject({ name: 'shop' });
  });
});
