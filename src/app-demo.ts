import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CaddyProcess, freePort } from './adapters/caddy-process.js';
import { isLoopbackPortFree } from './adapters/host-ports.js';
import { procFacts } from './adapters/process-facts.js';
import { SANDBOX_DIR, SandboxEngine } from './adapters/sandbox-engine.js';
import { readState } from './app-state.js';
import type { ControllerState } from './api/state-types.js';

export { isLoopbackPortFree };

/** Where a demo lives: its folder (manifests, state file) and its engine's folder. */
export interface DemoPlaces {
  dir: string;
  engineDir: string;
}

/** What a running demo tells a second `demo` and `demo --down`: kept in its engine's folder. */
export interface DemoRecord {
  pid: number;
  dir: string;
  dockerHost: string;
  healthAddr: string;
}

/** The demo's folder holds something that is not a demo: it is never overwritten. */
export class DemoFolderError extends Error {
  readonly code = 'DEMO_FOLDER';
}

/** The demo's manifests and state file, inside its folder. */
export function demoPaths(dir: string): { manifests: string; state: string } {
  return { manifests: path.join(dir, 'manifests'), state: path.join(dir, '.tinyforge', 'state.json') };
}

/** The demo running on this engine folder, if its process is alive. */
export function runningDemo(engineDir: string): DemoRecord | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(recordFile(engineDir), 'utf8')) as DemoRecord;
    return runsDemo(record.pid) ? record : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the sandbox engine and lays out the demo folder: a copy of the shipped demo
 * manifests, and the record a second `demo` reads. Answers the engine's DOCKER_HOST.
 */
export async function startSandbox(
  places: DemoPlaces,
  healthAddr: string,
  progress: (line: string) => void,
): Promise<string> {
  claimFolder(places.dir);
  const dockerHost = await new SandboxEngine(places.engineDir).start(progress);
  fs.cpSync(path.join(SANDBOX_DIR, 'manifests'), demoPaths(places.dir).manifests, { recursive: true });
  const record: DemoRecord = { pid: process.pid, dir: path.resolve(places.dir), dockerHost, healthAddr };
  fs.writeFileSync(recordFile(places.engineDir), JSON.stringify(record));
  return dockerHost;
}

/** A Caddy of the demo's own for its routes: its admin API, where it serves them, and how to stop it. */
export interface DemoRoutes {
  admin: string;
  listen: string;
  stop(): Promise<void>;
}

/** The demo's Caddy on loopback, when `caddy` is installed; undefined otherwise (routes are then only recorded). */
export async function startDemoRoutes(): Promise<DemoRoutes | undefined> {
  if (spawnSync('caddy', ['version'], { stdio: 'ignore' }).error) return undefined;
  const caddy = new CaddyProcess();
  await caddy.start();
  const listen = await freePort().catch(async (error: unknown) => {
    await caddy.stop();
    throw error;
  });
  return { admin: caddy.admin, listen: `127.0.0.1:${listen}`, stop: () => caddy.stop() };
}

/** Stops the sandbox engine and deletes what the demo made: the engine's folder and the demo's. */
export async function removeSandbox(places: DemoPlaces, progress: (line: string) => void): Promise<void> {
  await new SandboxEngine(places.engineDir).remove(progress);
  if (fs.existsSync(path.join(places.dir, MARKER))) fs.rmSync(places.dir, { recursive: true, force: true });
}

/** Asks a running demo to stop (as Ctrl-C does) and waits until its process is gone. */
export async function stopDemo(record: DemoRecord, timeoutMs = 120_000): Promise<boolean> {
  process.kill(record.pid, 'SIGTERM');
  for (const end = Date.now() + timeoutMs; Date.now() < end; await delay(200)) {
    if (!processes.alive(record.pid)) return true;
  }
  return false;
}

/** Polls the state file until every workload is Ready; undefined when `stopping` fires or time runs out. */
export async function waitAllReady(
  stateFile: string,
  stopping: AbortSignal,
  timeoutMs = 180_000,
): Promise<ControllerState | undefined> {
  for (const end = Date.now() + timeoutMs; Date.now() < end && !stopping.aborted; await delay(500)) {
    const state = await readState(stateFile).catch(() => undefined);
    const workloads = Object.values(state?.workloads ?? {});
    if (state && workloads.length > 0 && workloads.every((w) => w.phase === 'Ready')) return state;
  }
  return undefined;
}

/** What /proc says about the demo's process (the state lock reads it the same way). */
const processes = procFacts();

/** Marks a folder as made by `demo`, so that only such a folder is ever deleted. */
const MARKER = '.tinyforge-demo';

/** A new demo folder; one an earlier demo left (it was killed) starts again from nothing. */
function claimFolder(dir: string): void {
  if (fs.existsSync(path.join(dir, MARKER))) fs.rmSync(dir, { recursive: true, force: true });
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    throw new DemoFolderError(`${dir} exists and is not a tinyforge demo folder: choose another with --dir`);
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, MARKER), 'made by tinyforge demo; deleted by it when the demo stops\n');
}

function recordFile(engineDir: string): string {
  return path.join(engineDir, 'demo.json');
}

/** Whether `pid` still runs `tinyforge demo`, not some process that got the pid after a demo was killed. */
function runsDemo(pid: number): boolean {
  if (!processes.alive(pid)) return false;
  // No /proc (not Linux), or hidden from this user: the pid alone must do.
  return processes.commandLine(pid)?.includes('demo') ?? true;
}
