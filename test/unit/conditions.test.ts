import { describe, expect, it } from 'vitest';
import { removeCondition, setCondition } from '../../src/reconcile/conditions.js';

describe('conditions', () => {
  const t0 = new Date('2026-11-27T10:00:00Z');
  const t1 = new Date('2026-11-27T10:05:00Z');

  it('move lastTransitionTime only when status changes', () => {
    const ready = setCondition([], 'Ready', 'True', 'AllReplicasRunning', '2/2 running', t0);
    const same = setCondition(ready, 'Ready', 'True', 'AllReplicasRunning', '3/3 running', t1);
    expect(same[0]).toMatchObject({ message: '3/3 running', lastTransitionTime: t0.toISOString() });
    const flipped = setCondition(same, 'Ready', 'False', 'ReplicasNotRunning', '2/3 running', t1);
    expect(flipped[0]).toMatchObject({ status: 'False', lastTransitionTime: t1.toISOString() });
  });

  it('keep Ready first and drop conditions that are no longer true', () => {
    let conditions = setCondition([], 'Stalled', 'True', 'ReconcileFailed', 'x', t0);
    conditions = setCondition(conditions, 'Ready', 'False', 'ReconcileFailed', 'x', t0);
    expect(conditions.map((c) => c.type)).toEqual(['Ready', 'Stalled']);
    expect(removeCondition(conditions, 'Stalled').map((c) => c.type)).toEqual(['Ready']);
  });
});
