import type { FieldPath } from './field-path.js';
import type { Anchor } from './locate.js';

/** A problem found in a document's data, not yet placed in the YAML text. */
export interface Finding {
  path: FieldPath;
  message: string;
  /** Point at the key (`key`) or the value (`value`, the default). */
  anchor?: Anchor;
}
