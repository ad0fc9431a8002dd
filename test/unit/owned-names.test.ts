import { describe, expect, it } from 'vitest';
import { ownedNamePrefix } from '../../src/reconcile/owned-name-prefix.js';

describe('owned names', () => {
  it('start with tf, or tf-<controller> for a controller with a name of its own', () => {
    expect(ownedNamePrefix('default')).toBe('tf');
    expect(ownedNamePrefix('staging')).toBe('tf-staging');
  });
});
