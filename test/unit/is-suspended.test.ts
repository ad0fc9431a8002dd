import { describe, expect, it } from 'vitest';
import type { ControllerState } from '../../src/api/state-types.js';
import type { Workload } from '../../src/api/workload.js';
import { isSuspended, suspension } from '../../src/reconcile/is-suspended.js';

describe('isSuspended', () => {
  const withAnnotations = (annotations?: Record<string, string>) =>
    ({ manifest: { metadata: { name: 'web', annotations } } }) as unknown as Workload;

  it('is true only for the annotation set to "true"', () => {
    expect(isSuspended(withAnnotations({ 'tinyforge.dev/suspend': 'true' }))).toBe(true);
    expect(isSuspended(withAnnotations({ 'tinyforge.dev/suspend': 'false' }))).toBe(false);
    expect(isSuspended(withAnnotations({ other: 'true' }))).toBe(false);
    expect(isSuspended(withAnnotations())).toBe(false);
  });
});

describe('suspension', () => {
  const workload = (annotations?: Record<string, string>) =>
    ({ id: 'image/web', manifest: { metadata: { name: 'web', annotations } } }) as unknown as Workload;
  const state = (suspended?: Record<string, { at: string }>) =>
    ({ controller: { suspended } }) as unknown as ControllerState;
  const AT = '2026-12-06T09:00:00.000Z';

  it("says why the controller leaves a workload alone: its annotation wins over 'tinyforge suspend'", () => {
    expect(suspension(workload({ 'tinyforge.dev/suspend': 'true' }), state({ 'image/web': { at: AT } }))).toBe(
      'suspended by annotation tinyforge.dev/suspend',
    );
    expect(suspension(workload(), state({ 'image/web': { at: AT } }))).toBe(
      `suspended by 'tinyforge suspend' at ${AT}`,
    );
    expect(suspension(workload(), state({ 'image/api': { at: AT } }))).toBeNull();
    expect(suspension(workload(), state())).toBeNull();
  });
});
