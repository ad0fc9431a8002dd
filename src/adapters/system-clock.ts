import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../reconcile/clock.js';

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms: number) => delay(ms),
};
