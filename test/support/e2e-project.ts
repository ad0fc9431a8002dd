import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import type { ControllerState } from '../../src/api/state-types.js';
import { runCli } from './run-cli.js';
import type { CliResult } from './run-cli.js';
import { testDocker } from './test-docker.js';

/** A manifest that sleeps quietly on network none, quick to stop (docker-init as PID 1). */
export function sleeper(name: string, extra: string[] = []): string {
  return [
    'apiVersion: tinyforge.dev/v1',
    'kind: Image',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  image: tinyforge-test/busybox:1',
    '  pullPolicy: Never',
    '  command: [sleep, "3600"]',
    '  network: none',
    '  init: true',
    '  stopTimeout: 2s',
    ...extra.map((l) => `  ${l}`),
    '',
  ].join('\n');
}

/** A Stack manifest: each service's fields as the inside of a YAML flow mapping (`image: ..., command: [...]`). */
export function stack(name: string, services: Record<string, string>): string {
  const lines = Object.entries(services).map(([service, fields]) => `    ${service}: {${fields}}`);
  return [
    'apiVersion: tinyforge.dev/v1',
    'kind: Stack',
    `metadata: {name: ${name}}`,
    'spec:',
    '  services:',
    ...lines,
    '',
  ].join('\n');
}

/**
 * A throw-away project folder for end-to-end tests: `manifests/`, a state file, and a
 * controller name unique to the test, so its containers are its own (cleanup removes
 * exactly those, by the `tinyforge.controller` label).
 */
export class E2eProject {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-e2e-'));
  readonly manifests = path.join(this.dir, 'manifests');
  readonly stateFile = path.join(this.dir, '.tinyforge', 'state.json');
  readonly docker: Docker;
  readonly host: string;
  readonly name: string;

  constructor(files: Record<string, string> = {}) {
    const { docker, host, runId } = testDocker();
    this.docker = docker;
    this.host = host;
    this.name = `e2e-${runId}`;
    fs.mkdirSync(this.manifests);
    for (const [file, text] of Object.entries(files)) this.write(file, text);
  }

  write(file: string, text: string): void {
    const full = path.join(this.manifests, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  }

  remove(file: string): void {
    fs.rmSync(path.join(this.manifests, file), { force: true });
  }

  /** Runs `tinyforge <command>` with this project's manifests, state, name and engine. */
  cli(command: 'run' | 'plan', args: string[] = [], env: NodeJS.ProcessEnv = {}): CliResult {
    return runCli([command, '--name', this.name, ...args], { cwd: this.dir, env: { DOCKER_HOST: this.host, ...env } });
  }

  runOnce(args: string[] = []): CliResult {
    return this.cli('run', ['--once', ...args]);
  }

  state(): ControllerState {
    return JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as ControllerState;
  }

  /**
   * The state's `foreign` entries of this project's containers: other tests' containers
   * on the shared engine are foreign to this controller too (`another controller`).
   */
  foreign(): ControllerState['foreign'] {
    return this.state().foreign.filter((f) => f.name.includes(this.name));
  }

  /** This project's containers, by name. */
  async containers(): Promise<Docker.ContainerInfo[]> {
    const list = await this.docker.listContainers({
      all: true,
      filters: { label: [`tinyforge.controller=${this.name}`] },
    });
    return list.sort((a, b) => (a.Names[0]! < b.Names[0]! ? -1 : 1));
  }

  async names(): Promise<string[]> {
    return (await this.containers()).map((c) => c.Names[0]!.slice(1));
  }

  /**
   * Docker's events for this project's containers from `since` (seconds since the epoch,
   * fractions allowed) until now, oldest first; only `actions` when given.
   */
  async events(
    since: number | string,
    actions?: readonly string[],
  ): Promise<{ action: string; id: string; attributes: Record<string, string> }[]> {
    const until = (Date.now() / 1000).toFixed(3);
    const filters = { type: ['container' as const], label: [`tinyforge.controller=${this.name}`] };
    const stream = await this.docker.getEvents({ since: since as number, until: until as unknown as number, filters });
    let text = '';
    for await (const chunk of stream) text += chunk.toString();
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { Action: string; Actor: { ID: string; Attributes: Record<string, string> } })
      .map((e) => ({ action: e.Action, id: e.Actor.ID, attributes: e.Actor.Attributes }))
      .filter((e) => !actions || actions.includes(e.action));
  }

  /** Removes this project's containers (two at a time at most) and its folder. */
  async cleanup(extraLabel?: string): Promise<void> {
    const filters = [`tinyforge.controller=${this.name}`, ...(extraLabel ? [extraLabel] : [])];
    for (const label of filters) {
      const list = await this.docker.listContainers({ all: true, filters: { label: [label] } });
      for (const c of list)
        await this.docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
