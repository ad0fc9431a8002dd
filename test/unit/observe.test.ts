import { describe, expect, it } from 'vitest';
import type { Kind } from '../../src/api/kinds.js';
import type { DockerState } from '../../src/api/observed-container.js';
import type { ContainerRow } from '../../src/api/state-types.js';
import type { OwnedContainer } from '../../src/reconcile/classify.js';
import { emptyRow, observeRows, PLACEHOLDER_TTL_MS } from '../../src/reconcile/observe.js';

const NOW = new Date('2026-11-27T10:00:00Z');

function owned(
  workloadId: string,
  role: string,
  replica: number,
  over: { id?: string; state?: DockerState; image?: string; ports?: number[]; created?: number } = {},
): OwnedContainer {
  const [kind, name] = workloadId.split('/') as [string, string];
  return {
    container: {
      id: over.id ?? `${name}-${role}-${replica}`,
      name: `tf-${name}-${role}-${replica}-abcd1234`,
      image: over.image ?? 'tinyforge-test/busybox:1',
      labels: {},
      state: over.state ?? 'running',
      status: '',
      created: over.created ?? 1,
      ports: over.ports ?? [],
      health: null,
    },
    identity: { controller: 'default', workloadId, kind, name, role, replica, specHash: 'h', slot: null },
  };
}

function row(id: string, over: Partial<ContainerRow> = {}): ContainerRow {
  const [, role = 'image', replica = '1'] = id.split(':');
  return {
    ...emptyRow(id, role, Number(replica)),
    state: 'running',
    containerId: `old-${id}`,
    name: 'n',
    image: 'tinyforge-test/busybox:1',
    ...over,
  };
}

function observe(rows: Record<string, ContainerRow[]>, containers: OwnedContainer[], known: Record<string, Kind>) {
  const byWorkload = new Map<string, OwnedContainer[]>();
  for (const c of containers)
    byWorkload.set(c.identity.workloadId, [...(byWorkload.get(c.identity.workloadId) ?? []), c]);
  return observeRows({
    rows: new Map(Object.entries(rows)),
    owned: byWorkload,
    known: new Map(Object.entries(known)),
    now: NOW,
  });
}

describe('the observe pass', () => {
  it('upserts the row of a labelled container', () => {
    const result = observe({}, [owned('image/web', 'image', 1, { id: 'abc' })], { 'image/web': 'Image' });
    expect(result.get('image/web')).toEqual([
      expect.objectContaining({
        id: 'image/web:image:1',
        containerId: 'abc',
        state: 'running',
        role: 'image',
        replica: 1,
        startedAt: NOW.toISOString(),
      }),
    ]);
  });

  it('marks a row missing when its container is gone', () => {
    const result = observe({ 'image/web': [row('image/web:image:1')] }, [], { 'image/web': 'Image' });
    expect(result.get('image/web')?.[0]).toMatchObject({ state: 'missing', containerId: 'old-image/web:image:1' });
  });

  it('skips a placeholder row awaiting docker (starting, no container id)', () => {
    const placeholder = row('image/web:image:1', {
      state: 'starting',
      containerId: null,
      placedAt: new Date(NOW.getTime() - 1000).toISOString(),
    });
    const result = observe({ 'image/web': [placeholder] }, [], { 'image/web': 'Image' });
    expect(result.get('image/web')?.[0]).toMatchObject({ state: 'starting', containerId: null });
  });

  it('turns a placeholder that never became a container missing after 5 minutes (CreateNeverObserved)', () => {
    const placeholder = row('image/web:image:1', {
      state: 'starting',
      containerId: null,
      placedAt: new Date(NOW.getTime() - PLACEHOLDER_TTL_MS).toISOString(),
    });
    const result = observe({ 'image/web': [placeholder] }, [], { 'image/web': 'Image' });
    expect(result.get('image/web')?.[0]).toMatchObject({ state: 'missing', reason: 'CreateNeverObserved' });
  });

  it('ignores containers it does not own (they never reach observe: no rows)', () => {
    // Unmanaged containers are not in the owned map; only the known workload's row stays.
    const result = observe(
      { 'image/web': [row('image/web:image:1', { containerId: 'abc' })] },
      [owned('image/web', 'image', 1, { id: 'abc' })],
      { 'image/web': 'Image' },
    );
    expect([...result.keys()]).toEqual(['image/web']);
    expect(result.get('image/web')).toHaveLength(1);
  });

  it('does not clobber deployer-owned fields', () => {
    const deployed = row('project/shop:production:1', {
      containerId: 'abc',
      stage: 'production',
      slot: 'blue',
      imageTag: '1.4',
      domain: 'shop.localhost',
      routeId: 'r-1',
    });
    const result = observe(
      { 'project/shop': [deployed] },
      [owned('project/shop', 'production', 1, { id: 'abc', state: 'exited' })],
      { 'project/shop': 'Project' },
    );
    expect(result.get('project/shop')?.[0]).toMatchObject({
      state: 'stopped',
      stage: 'production',
      slot: 'blue',
      imageTag: '1.4',
      domain: 'shop.localhost',
      routeId: 'r-1',
    });
    const gone = observe({ 'project/shop': [deployed] }, [], { 'project/shop': 'Project' });
    expect(gone.get('project/shop')?.[0]).toMatchObject({
      state: 'missing',
      stage: 'production',
      slot: 'blue',
      imageTag: '1.4',
      domain: 'shop.localhost',
      routeId: 'r-1',
    });
  });

  it('rejects a forged workload label: a container naming an unknown workload gets no row', () => {
    const result = observe({}, [owned('image/ghost', 'image', 1)], { 'image/web': 'Image' });
    expect(result.has('image/ghost')).toBe(false);
  });

  it('skips inserting a Project row the deployer has not written', () => {
    const result = observe({}, [owned('project/shop', 'production', 1)], { 'project/shop': 'Project' });
    expect(result.get('project/shop')).toEqual([]);
  });

  it('batches several workloads with a forged label and a stale row in one pass', () => {
    const result = observe(
      {
        'image/web': [
          row('image/web:image:1', { containerId: 'w1' }),
          row('image/web:image:2', { containerId: 'gone' }),
        ],
        'stack/app': [],
      },
      [
        owned('image/web', 'image', 1, { id: 'w1' }),
        owned('stack/app', 'db', 1, { id: 'db1' }),
        owned('image/forged', 'image', 1, { id: 'f1' }),
      ],
      { 'image/web': 'Image', 'stack/app': 'Stack' },
    );
    expect([...result.keys()]).toEqual(['image/web', 'stack/app']);
    expect(result.get('image/web')?.map((r) => [r.id, r.state])).toEqual([
      ['image/web:image:1', 'running'],
      ['image/web:image:2', 'missing'],
    ]);
    expect(result.get('stack/app')?.map((r) => [r.id, r.containerId])).toEqual([['stack/app:db:1', 'db1']]);
  });

  it('syncs state and docker fields (image, ports) from the snapshot', () => {
    const before = row('image/web:image:1', { containerId: 'abc', state: 'created', image: 'old:1', ports: [] });
    const result = observe(
      { 'image/web': [before] },
      [owned('image/web', 'image', 1, { id: 'abc', image: 'tinyforge-test/busybox:2', ports: [8080] })],
      { 'image/web': 'Image' },
    );
    expect(result.get('image/web')?.[0]).toMatchObject({
      state: 'running',
      image: 'tinyforge-test/busybox:2',
      ports: [8080],
    });
  });

  it('normalizes exited and dead to stopped', () => {
    const result = observe(
      {},
      [owned('stack/app', 'db', 1, { state: 'exited' }), owned('stack/app', 'api', 1, { state: 'dead' })],
      { 'stack/app': 'Stack' },
    );
    expect(result.get('stack/app')?.map((r) => r.state)).toEqual(['stopped', 'stopped']);
  });
});
