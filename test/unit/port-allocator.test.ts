import { describe, expect, it } from 'vitest';
import { portAllocator } from '../../src/reconcile/port-allocator.js';

describe('host ports for Project slots', () => {
  it('gives the lowest free port, never one a container holds or one given out and not yet seen', async () => {
    const busyOnHost = new Set([20001]);
    const ports = portAllocator({ first: 20000, last: 20004 }, async (port) => !busyOnHost.has(port));
    expect(await ports.allocate(new Set())).toBe(20000);
    // A tick running at the same time does not see the first container yet.
    expect(await ports.allocate(new Set())).toBe(20002);
    // Once a snapshot shows it, the snapshot guards it; once it is gone, the port is free again.
    expect(await ports.allocate(new Set([20000, 20002]))).toBe(20003);
    expect(await ports.allocate(new Set([20003]))).toBe(20000);
  });

  it('says so when the range is used up', async () => {
    const ports = portAllocator({ first: 20000, last: 20001 });
    await ports.allocate(new Set());
    await ports.allocate(new Set());
    await expect(ports.allocate(new Set())).rejects.toThrow('no free port left in --port-range 20000-20001');
  });
});
