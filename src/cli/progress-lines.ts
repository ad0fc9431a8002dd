import type { ControllerState } from '../api/state-types.js';
import { actionTarget } from '../reconcile/plan.js';
import type { Action } from '../reconcile/plan.js';
import type { Progress } from '../reconcile/progress.js';
import type { Output } from './output.js';

/** How often a rollout still waiting for health is said again. */
const ROLLOUT_EVERY_MS = 5000;

const WORDS: Record<Action['type'], [doing: string, done: string]> = {
  create: ['creating', 'created'],
  recreate: ['recreating', 'recreated'],
  start: ['starting', 'started'],
  remove: ['removing', 'removed'],
  route: ['routing', 'routed'],
  unroute: ['removing route', 'removed route'],
};

/**
 * `run --once`'s progress, one line per step (`creating image/web#1 (2/10)`, `created
 * image/web#1`, `rollout project/app:web to green: waiting for health (5s)`), on stderr
 * when it is a terminal. Otherwise none: what scripts read stays as it was.
 */
export function onceProgress(output: Output, now: () => number = Date.now): ProgressLines | undefined {
  return output.errIsTTY ? new ProgressLines((line) => output.err(line), now) : undefined;
}

export class ProgressLines implements Progress {
  /** Each rollout waited for, by stage and slot: when the wait was first seen, and last said. */
  readonly #waits = new Map<string, { since: number; said: number }>();

  constructor(
    private readonly say: (line: string) => void,
    private readonly now: () => number,
  ) {}

  begin(action: Action, index: number, total: number): void {
    this.say(`${WORDS[action.type][0]} ${actionTarget(action)} (${index}/${total})`);
  }

  done(action: Action): void {
    this.say(`${WORDS[action.type][1]} ${actionTarget(action)}`);
  }

  /** After a pass: the Project stages whose new slot is still coming up, said when first seen and every few seconds. */
  rolling(state: ControllerState, rolling: readonly string[]): void {
    const now = this.now();
    for (const id of rolling)
      for (const [stage, rollout] of Object.entries(state.workloads[id]?.rollouts ?? {})) {
        if (rollout.phase !== 'Progressing') continue;
        const name = `${id}:${stage}${rollout.next ? ` to ${rollout.next}` : ''}`;
        const wait = this.#waits.get(name) ?? { since: now, said: -Infinity };
        this.#waits.set(name, wait);
        if (now - wait.said < ROLLOUT_EVERY_MS) continue;
        wait.said = now;
        this.say(`rollout ${name}: waiting for health (${Math.round((now - wait.since) / 1000)}s)`);
      }
  }
}
