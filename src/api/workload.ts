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
}
