import { describe, expect, it } from 'vitest';
import { isInside } from '../../src/manifest/path-inside.js';

describe('isInside', () => {
  it('takes a name that starts with two dots for a folder inside, and `..` for a step out', () => {
    expect(isInside('/m', '/m')).toBe(true);
    expect(isInside('/m/..data/web.yaml', '/m')).toBe(true);
    expect(isInside('/m/..2026_12_06_01/web.yaml', '/m')).toBe(true);
    expect(isInside('/', '/m')).toBe(false);
    expect(isInside('/other/web.yaml', '/m')).toBe(false);
    expect(isInside('/m2/web.yaml', '/m')).toBe(false);
  });
});
