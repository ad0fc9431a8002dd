import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/api/closest.js';

describe('the closest name to a typo', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('stauts', 'status')).toBe(1);
    expect(editDistance('manfests', 'manifests')).toBe(1);
    expect(editDistance('', 'run')).toBe(3);
  });

  it('suggests only what is near enough to be a typo', () => {
    const commands = ['run', 'plan', 'status', 'wait', 'validate', 'schema'];
    expect(closest('stauts', commands)).toBe('status');
    expect(closest('rn', commands)).toBe('run');
    expect(closest('VALIDTE', commands)).toBe('validate');
    expect(closest('deploy', commands)).toBeUndefined();
    expect(closest('--manfests', ['--manifests', '--state', '--name'])).toBe('--manifests');
  });
});
