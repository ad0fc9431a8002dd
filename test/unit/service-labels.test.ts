import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Label } from '../../src/api/labels.js';
import { roleName } from '../../src/reconcile/owned-name-prefix.js';
import { readIdentity, readServiceIdentity, serviceLabels, verifyLabels } from '../../src/reconcile/ownership.js';

const key = randomBytes(32);
const identity = {
  controller: 'default',
  workloadId: 'image/web',
  kind: 'image',
  name: 'web',
  role: 'image',
  specHash: '0123456789abcdef',
};

describe('the labels of a Swarm service', () => {
  it('are named like a container without its replica: one service per workload role', () => {
    expect(roleName('default', 'web', 'image')).toBe('tf-web-image');
    expect(roleName('staging', 'shop', 'production')).toBe('tf-staging-shop-production');
  });

  it('carry the ownership labels without a replica, say swarm, and are signed over the service name', () => {
    const labels = serviceLabels(identity, 'tf-web-image', key);
    expect(labels).toMatchObject({
      [Label.managed]: 'true',
      [Label.controller]: 'default',
      [Label.workloadId]: 'image/web',
      [Label.role]: 'image',
      [Label.specHash]: '0123456789abcdef',
      [Label.backend]: 'swarm',
    });
    expect(labels).not.toHaveProperty(Label.replica);
    expect(verifyLabels(labels, 'tf-web-image', key)).toBe(true);
    expect(readServiceIdentity(labels)).toEqual(identity);
  });

  it('no longer verify when copied to another service, edited, or checked with another key', () => {
    const labels = serviceLabels(identity, 'tf-web-image', key);
    expect(verifyLabels(labels, 'tf-api-image', key)).toBe(false);
    expect(verifyLabels({ ...labels, [Label.specHash]: 'ffffffffffffffff' }, 'tf-web-image', key)).toBe(false);
    expect(verifyLabels(labels, 'tf-web-image', randomBytes(32))).toBe(false);
  });

  it('are never read as a container, nor a container as a service', () => {
    const labels = serviceLabels(identity, 'tf-web-image', key);
    expect(readIdentity(labels)).toBeUndefined();
    const containerish: Record<string, string> = { ...labels, [Label.replica]: '1' };
    delete containerish[Label.backend];
    expect(readServiceIdentity(containerish)).toBeUndefined();
  });
});
