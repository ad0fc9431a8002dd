import { describe, expect, it } from 'vitest';
import type { Workload } from '../../src/api/workload.js';
import { isSuspended } from '../../src/reconcile/is-suspended.js';

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
