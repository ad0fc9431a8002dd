import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CrashFleet } from '../support/crash-fleet.js';
import { DaemonProcess } from '../support/daemon-process.js';
import { E2eProject } from '../support/e2e-project.js';
import { prng } from '../support/prng.js';
import { StateReader } from '../support/state-reader.js';

/**
 * Guarantee 9 at scale: 20 workloads are created, changed and rolled out while the
 * controller — the long-running one or `run --once`, as the seeded dice say — is killed
 * with SIGKILL at a random instant and started again, over and over. A reader polls the
 * state file the whole time. `TINYFORGE_CRASH_ITERATIONS` sets the number of kills (12
 * by default; 200 for a soak run) and `TINYFORGE_CRASH_SEED` replays a seed a failure printed.
 */
const ITERATIONS = Number(process.env['TINYFORGE_CRASH_ITERATIONS'] ?? 12);
const SEED = Number(process.env['TINYFORGE_CRASH_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
/** Kills land within this long after a start: from before the first Docker call to mid-rollout. */
const MAX_KILL_AFTER_MS = 3000;
/** Project slots get their ports here, a range no other test file uses. */
const FLAGS = ['--port-range', '27800-27899'];
const MUTATIONS = ['create', 'start', 'stop', 'kill', 'die', 'destroy'] as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('crash loop: SIGKILL at random instants under 20 changing workloads', () => {
  let project: E2eProject;
  let running: DaemonProcess | undefined;
  afterEach(async () => {
    running?.child.kill('SIGKILL');
    await running?.exited;
    await project.cleanup();
  });

  it(
    `converges to exactly the manifests after ${ITERATIONS} kills (seed ${SEED})`,
    async () => {
      process.stderr.write(`crash loop: seed ${SEED} (TINYFORGE_CRASH_SEED=${SEED} replays it)\n`);
      const random = prng(SEED);
      const fleet = new CrashFleet(random);
      project = new E2eProject(fleet.files());
      const reader = new StateReader(project.stateFile);
      reader.start();
      const log: string[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const changes = Array.from({ length: 1 + Math.floor(random() * 3) }, () => apply(project, fleet.mutate()));
        const daemon = random() < 0.5;
        const killAfter = Math.floor(random() * MAX_KILL_AFTER_MS);
        // Half the long-running controllers also see a change while they run (their watcher's path).
        const midway = daemon && random() < 0.5 ? fleet.mutate() : undefined;
        running = new DaemonProcess(project, daemon ? FLAGS : ['--once', ...FLAGS]);
        await sleep(killAfter / 2);
        if (midway) changes.push(`then ${apply(project, midway)}`);
        await sleep(killAfter / 2);
        running.child.kill('SIGKILL');
        log.push(`#${i} ${daemon ? 'run' : 'run --once'} killed after ${killAfter} ms; ${changes.join(', ')}`);
        await running.exited;
      }
      running = new DaemonProcess(project, ['--once', ...FLAGS]);
      const finalCode = await running.exited;
      await reader.stop();
      process.stderr.write(
        `crash loop: ${ITERATIONS} kills; ${reader.reads} state reads, ${reader.distinct} distinct, ${reader.problems.length} bad\n`,
      );
      const context = `seed ${SEED}\n${log.join('\n')}\n${running.stdout}${running.stderr}`;
      expect(finalCode, context).toBe(0);
      expect(reader.problems, context).toEqual([]);
      expect(reader.reads).toBeGreaterThan(0);
      expect(reader.distinct).toBeGreaterThan(0);

      await expectExactly(project, fleet, context);
      await expectIdempotent(project, context);
      expectCleanFolder(project, context);
    },
    ITERATIONS * 15_000 + 180_000,
  );
});

function apply(project: E2eProject, change: { file: string; text: string | undefined; change: string }): string {
  if (change.text === undefined) project.remove(change.file);
  else project.write(change.file, change.text);
  return change.change;
}

/** One running container per (workload, role, replica) the manifests ask for, of their image; nothing else. */
async function expectExactly(project: E2eProject, fleet: CrashFleet, context: string): Promise<void> {
  const containers = await project.containers();
  const actual = containers
    .map(
      (c) =>
        `${c.Labels['tinyforge.workload.id']} ${c.Labels['tinyforge.role']}#${c.Labels['tinyforge.replica']} ${c.Image}`,
    )
    .sort();
  expect(actual, context).toEqual(fleet.expected());
  expect(
    containers.filter((c) => c.State !== 'running').map((c) => c.Names[0]),
    context,
  ).toEqual([]);
  const state = project.state();
  expect(Object.keys(state.workloads).sort(), context).toEqual(fleet.ids());
  const notReady = Object.entries(state.workloads).filter(([, w]) => w.phase !== 'Ready');
  expect(
    notReady.map(([id, w]) => `${id} ${w.phase} ${w.lastError}`),
    context,
  ).toEqual([]);
  expect(project.foreign()).toEqual([]);
}

/** `plan` finds nothing to do, and a second `run --once` makes no Docker mutation at all (guarantee 8). */
async function expectIdempotent(project: E2eProject, context: string): Promise<void> {
  const plan = project.cli('plan', FLAGS);
  expect(plan.code, `${context}\n${plan.stdout}${plan.stderr}`).toBe(0);
  const since = (Date.now() / 1000).toFixed(3);
  const again = project.runOnce(FLAGS);
  expect(again.code, again.stdout + again.stderr).toBe(0);
  expect(await project.events(since, MUTATIONS)).toEqual([]);
}

/** The state folder holds the state file and the key: no lock, no temp file, no corrupt file moved aside. */
function expectCleanFolder(project: E2eProject, context: string): void {
  expect(fs.readdirSync(path.dirname(project.stateFile)).sort(), context).toEqual(['controller.key', 'state.json']);
}
