import { describe, expect, it } from 'vitest';
import { reservedLabels } from '../../src/manifest/reserved-labels.js';

describe('reserved labels', () => {
  it('finds keys under tinyforge. in a label map, in any case, pointing at the key', () => {
    expect(reservedLabels(['metadata', 'labels'], { app: 'web', 'Tinyforge.managed': 'true' })).toEqual([
      {
        path: ['metadata', 'labels', 'Tinyforge.managed'],
        anchor: 'key',
        message: 'metadata.labels["Tinyforge.managed"]: labels under "tinyforge." are reserved for the controller',
      },
    ]);
  });

  it('finds entries under tinyforge. in a compose label list', () => {
    const found = reservedLabels(['services', 'web', 'labels'], ['app=web', 'tinyforge.role=web']);
    expect(found.map((f) => f.path)).toEqual([['services', 'web', 'labels', 1]]);
    expect(found[0]!.message).toMatch(/labels under "tinyforge\." are reserved for the controller$/);
  });

  it('has nothing to say without labels', () => {
    expect(reservedLabels(['metadata', 'labels'], undefined)).toEqual([]);
  });
});
