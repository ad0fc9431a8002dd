import type { Manifest } from '../api/manifest-types.js';
import { containerSites } from './container-sites.js';
import { checkReference, emptyReferenceCheck } from './check-references.js';
import type { ReferenceCheck } from './check-references.js';
import type { ReferenceContext } from './resolve-reference.js';

/** The envFiles, hostPath volumes, a Static's folder and a Compose file of a manifest. */
export function checkManifestReferences(
  manifest: Manifest,
  fromDir: string,
  context: ReferenceContext,
): ReferenceCheck {
  const check = emptyReferenceCheck();
  for (const site of containerSites(manifest)) {
    (site.fields.envFiles ?? []).forEach((written, index) => {
      checkReference(
        check,
        [...site.path, 'envFiles', index],
        { kind: 'envFile', written, fromDir, mustBe: 'file' },
        context,
      );
    });
    (site.fields.volumes ?? []).forEach((volume, index) => {
      if ('hostPath' in volume) {
        checkReference(
          check,
          [...site.path, 'volumes', index, 'hostPath'],
          { kind: 'hostPath', written: volume.hostPath, fromDir, mustBe: 'any' },
          context,
        );
      }
    });
  }
  if (manifest.kind === 'Static') {
    checkReference(
      check,
      ['spec', 'path'],
      { kind: 'staticPath', written: manifest.spec.path, fromDir, mustBe: 'directory' },
      context,
    );
  }
  if (manifest.kind === 'Compose' && manifest.spec.file !== undefined) {
    checkReference(
      check,
      ['spec', 'file'],
      { kind: 'composeFile', written: manifest.spec.file, fromDir, mustBe: 'file' },
      context,
    );
  }
  return check;
}
