import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Node, Pair } from 'yaml';
import type { SourceDocument } from './source-document.js';

export interface Position {
  line: number;
  column: number;
}

/** What in the YAML text a position should point at. */
export type Anchor = 'value' | 'key';

/**
 * Maps a path of keys and indexes to the YAML node it names, so a problem found in the
 * plain data points at the text that caused it. `key` points at a map key (unknown or
 * misspelled fields); `value` at the value. A path that leaves the document stops at the
 * deepest node that exists (a missing field points at the map that lacks it).
 */
export function locate(source: SourceDocument, path: readonly (string | number)[], anchor: Anchor = 'value'): Position {
  let node: Node | null | undefined = source.doc.contents as Node | null;
  let keyNode: Node | null | undefined;
  for (const segment of path) {
    node = resolveAlias(source, node);
    if (isMap(node)) {
      const pair = node.items.find((item: Pair) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      keyNode = pair.key as Node;
      node = pair.value as Node | null;
      if (node === null) {
        node = keyNode;
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      keyNode = undefined;
      node = item;
    } else {
      break;
    }
  }
  const target = anchor === 'key' && keyNode ? keyNode : node;
  const offset = target?.range?.[0] ?? source.doc.range[0];
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}

/** The source text of the node at `path`, for quoting what the user wrote (`tag: 1.10`). */
export function sourceText(source: SourceDocument, path: readonly (string | number)[]): string | undefined {
  let node: Node | null | undefined = source.doc.contents as Node | null;
  for (const segment of path) {
    node = resolveAlias(source, node);
    if (isMap(node)) {
      const pair = node.items.find((item: Pair) => isScalar(item.key) && String(item.key.value) === String(segment));
      node = pair?.value as Node | null | undefined;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment] as Node | undefined;
    } else {
      return undefined;
    }
  }
  return isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
}

function resolveAlias(source: SourceDocument, node: Node | null | undefined): Node | null | undefined {
  return isAlias(node) ? (node.resolve(source.doc) as Node | undefined) : node;
}
