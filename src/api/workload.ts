import type { Kind } from './kinds.js';
import type { ComposeApp, Manifest } from './manifest-types.js';

/** A file a workload depends on; its bytes are part of the workload's spec hash. */
export interface Reference {
  /** What refers to it, as a field path: `spec.envFiles[0]`. */
  field: string;
  kind: 'envFile' | 'hostPath' | 'staticPath' | 'composeFile';
  /** Absolute path as written (resolved against the manifest's folder). */
  path: string;
  /** The path with symlinks followed. */
  realPath: string;
}

/** A manifest document that passed every check: what the controller may act on. */
export interface Workload {
  /** `<kind in lower case>/<name>`, e.g. `image/web`. */
  id: string;
  kind: Kind;
  name: string;
  manifest: Manifest;
  source: { file: string; document: number };
  /** The absolute folder of the manifest file: relative paths in it start here. */
  dir: string;
  references: Reference[];
  /** For Compose: the application, read from `spec.file` or taken from `spec.compose`. */
  compose?: ComposeApp;
  /**
   * What the workload is made of, as a key one can print: the sha256 (hex) of its canonical
   * manifest, Compose application, source, references, and the bytes of the files it reads
   * (env files, a Compose file). Computed once, when the manifests are loaded
   * (adapters/workload-key.ts); equal keys mean an equal workload, so caches key by it.
   */
  key: string;
}

/** A workload as the checks build it, before the loader gives it its key. */
export type UnkeyedWorkload = Omit<Workload, 'key'>;
