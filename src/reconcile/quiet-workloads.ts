import type { ContainerRow, ControllerState } from '../api/state-types.js';
import type { OwnedContainer } from './classify.js';
import type { DesiredContainer } from './desired.js';
import { rowPorts } from './observe.js';
import { rowIdOf } from './ownership.js';
import type { ProjectPlan } from './project-rollout.js';

/**
 * Workloads with nothing to tell: Ready at their current spec and revision, not acted on,
 * and with exactly the containers their rows show, in the state the rows show. They keep
 * their status object as it is, without observing or rebuilding it: most of a quiet tick.
 */
export function quietWorkloads(
  previous: ControllerState,
  desired: ReadonlyMap<string, readonly DesiredContainer[]>,
  owned: ReadonlyMap<string, readonly OwnedContainer[]>,
  context: {
    actedOn: ReadonlySet<string>;
    blocked: ReadonlyMap<string, string>;
    projects: ReadonlyMap<string, ProjectPlan>;
    revision: string | null;
    hashOf: (id: string) => string;
    /** Where the manifest declares it now: a workload moved to another file is news. */
    sourceOf: (id: string) => { file: string; document: number };
  },
): Set<string> {
  const quiet = new Set<string>();
  for (const [id, wanted] of desired) {
    const before = previous.workloads[id];
    if (
      before?.phase !== 'Ready' ||
      before.lastReconciledAt === null ||
      before.lastAppliedRevision !== context.revision
    )
      continue;
    if (context.actedOn.has(id) || context.blocked.has(id)) continue;
    const project = context.projects.get(id);
    if (project && (project.rolling.length > 0 || project.failed.length > 0)) continue;
    const source = context.sourceOf(id);
    if (before.source.file !== source.file || before.source.document !== source.document) continue;
    if (before.specHash !== context.hashOf(id) || !rowsShow(before.containers, owned.get(id) ?? [], wanted)) continue;
    quiet.add(id);
  }
  return quiet;
}

/** Every row is a running container of the snapshot, as observed, and each is a wanted one at its spec. */
function rowsShow(
  rows: readonly ContainerRow[],
  owned: readonly OwnedContainer[],
  wanted: readonly DesiredContainer[],
): boolean {
  if (rows.length !== wanted.length || owned.length !== wanted.length) return false;
  for (const row of rows) {
    const o = owned.find((c) => c.container.id === row.containerId);
    const d = wanted.find((w) => w.rowId === row.id);
    if (
      !o ||
      !d ||
      o.identity.specHash !== d.hash ||
      rowIdOf(o.identity) !== row.id ||
      row.state !== 'running' ||
      o.container.state !== 'running'
    )
      return false;
    const ports = rowPorts(o.container);
    if (
      o.container.health !== row.health ||
      o.container.name !== row.name ||
      o.container.image !== row.image ||
      ports.length !== row.ports.length ||
      ports.some((p, i) => p !== row.ports[i])
    )
      return false;
  }
  return true;
}
