import type { ContainerFields, Manifest } from '../api/manifest-types.js';
import type { FieldPath } from './field-path.js';

/** A place in a manifest that describes containers with tinyforge's container fields. */
export interface ContainerSite {
  /** Where the fields are: `['spec']`, or `['spec', 'services', 'web']`. */
  path: FieldPath;
  fields: ContainerFields;
  /** How many containers run from it at once at most (a Project rollout runs two slots). */
  maxContainers: number;
}

/** The container sites of a manifest (none for Compose, whose services use Compose's own fields). */
export function containerSites(manifest: Manifest): ContainerSite[] {
  switch (manifest.kind) {
    case 'Image':
      return [{ path: ['spec'], fields: manifest.spec, maxContainers: manifest.spec.replicas ?? 1 }];
    case 'Static':
      return [{ path: ['spec'], fields: manifest.spec, maxContainers: 1 }];
    case 'Project': {
      const replicas = manifest.spec.stages.reduce((sum, stage) => sum + (stage.replicas ?? 1), 0);
      return [{ path: ['spec'], fields: manifest.spec, maxContainers: Math.max(2, 2 * replicas) }];
    }
    case 'Stack':
      return Object.entries(manifest.spec.services).map(([name, service]) => ({
        path: ['spec', 'services', name],
        fields: service,
        maxContainers: service.replicas ?? 1,
      }));
    case 'Compose':
      return [];
  }
}
