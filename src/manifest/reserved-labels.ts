import { LABEL_PREFIX } from '../api/labels.js';
import type { FieldPath } from './field-path.js';
import { displayPath } from './field-path.js';
import type { Finding } from './finding.js';

/**
 * Labels under `tinyforge.` belong to the controller: a manifest could forge ownership with them.
 * `labels` is a map (`key: value`) or, in compose, a list of `key=value` entries.
 */
export function reservedLabels(
  base: FieldPath,
  labels: Record<string, unknown> | readonly string[] | undefined,
): Finding[] {
  const reserved = (text: string) => text.toLowerCase().startsWith(LABEL_PREFIX);
  const message = (path: FieldPath) =>
    `${displayPath(path)}: labels under "${LABEL_PREFIX}" are reserved for the controller`;
  if (Array.isArray(labels))
    return labels.flatMap((entry: string, index) =>
      reserved(entry) ? [{ path: [...base, index], message: message([...base, index]) }] : [],
    );
  return Object.keys(labels ?? {})
    .filter(reserved)
    .map((key) => ({ path: [...base, key], anchor: 'key' as const, message: message([...base, key]) }));
}
