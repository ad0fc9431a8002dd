import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { loadFromDisk } from '../../src/app.js';

const MANIFESTS = path.resolve(import.meta.dirname, '../../manifests');

describe('the example manifests', () => {
  const load = loadFromDisk({ dir: MANIFESTS }, DEFAULT_POLICY, { cwd: MANIFESTS });

  it('are all valid', () => {
    expect(load.problems).toEqual([]);
  });

  it('hold one workload of every kind', () => {
    expect(load.workloads.map((w) => w.id).sort()).toEqual([
      'compose/notes',
      'image/web',
      'project/shop',
      'stack/workers',
      'static/docs',
    ]);
  });

  it('do not load the referenced compose file as a manifest, but give its app to the workload', () => {
    const notes = load.workloads.find((w) => w.id === 'compose/notes');
    expect(Object.keys(notes?.compose?.services ?? {})).toEqual(['store', 'reader']);
    expect(notes?.references.map((r) => [r.kind, path.relative(MANIFESTS, r.path)])).toEqual([
      ['composeFile', 'compose/notes.compose.yaml'],
    ]);
  });

  it('record every referenced file of a workload', () => {
    const web = load.workloads.find((w) => w.id === 'image/web');
    expect(web?.references.map((r) => [r.kind, r.field, path.relative(MANIFESTS, r.path)])).toEqual([
      ['envFile', 'spec.envFiles[0]', 'web.env'],
      ['hostPath', 'spec.volumes[0].hostPath', 'site'],
    ]);
  });

  it('respect the test network rules: only network none or host', () => {
    for (const workload of load.workloads) {
      const text = JSON.stringify(workload.manifest) + JSON.stringify(workload.compose ?? {});
      const networks = [...text.matchAll(/"(?:network|network_mode)":"([^"]+)"/g)].map((m) => m[1]);
      expect(networks.length, workload.id).toBeGreaterThan(0);
      for (const network of networks) expect(['none', 'host']).toContain(network);
    }
  });
});
