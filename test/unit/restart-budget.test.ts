import { describe, expect, it } from 'vitest';
import { RestartBudget } from '../../src/reconcile/restart-budget.js';
import { FakeClock } from '../support/fake-docker.js';

describe('the restart budget', () => {
  it('allows 5 restarts of a container in 5 minutes, then none until the window passes', () => {
    const clock = new FakeClock();
    const budget = new RestartBudget(clock);
    const taken = Array.from({ length: 6 }, () => {
      clock.advance(10_000);
      return budget.take('image/web:image:1');
    });
    expect(taken).toEqual([true, true, true, true, true, false]);
    expect(budget.take('image/web:image:2')).toBe(true);
    clock.advance(5 * 60_000 - 50_000);
    expect(budget.take('image/web:image:1')).toBe(true);
  });

  it('counts only restarts that happened, not ones that were merely allowed', () => {
    const budget = new RestartBudget(new FakeClock(), 2);
    for (let i = 0; i < 10; i++) expect(budget.allows('r')).toBe(true);
    budget.record('r');
    budget.record('r');
    expect(budget.allows('r')).toBe(false);
  });

  it('starts afresh when reset (a new spec)', () => {
    const budget = new RestartBudget(new FakeClock(), 1);
    expect(budget.take('r')).toBe(true);
    expect(budget.take('r')).toBe(false);
    budget.reset('r');
    expect(budget.take('r')).toBe(true);
  });
});
