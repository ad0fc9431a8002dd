import { isAlias, isCollection, isMap, isPair, isScalar, LineCounter, parseAllDocuments } from 'yaml';
import type { Alias, Document, Node, Pair, ParsedNode } from 'yaml';
import type { Problem } from '../api/problem.js';
import { MAX_FLOW_DEPTH, tooDeepAt } from './flow-depth.js';
import type { SourceDocument } from './source-document.js';

/** Aliases a document may expand; far above any honest manifest, far below a billion laughs. */
const MAX_ALIAS_COUNT = 100;

/** Keys that could reach an object's prototype if a consumer ever merged the data naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface ParsedFile {
  documents: SourceDocument[];
  problems: Problem[];
}

/**
 * Parses every YAML document of a file under the YAML 1.2 core schema and refuses what
 * a manifest never needs and an attacker or a slip could use: version directives other
 * than 1.2, explicit tags, duplicate keys, circular aliases, alias bombs, `.inf`/`.nan`
 * and prototype keys. Empty documents between `---` separators are dropped; a file with
 * no document at all is a problem ("incomplete"), never "no workloads".
 */
export function parseYamlFile(text: string, file: string): ParsedFile {
  const lineCounter = linesOf(text);
  const problems: Problem[] = [];
  const at = (offset: number, message: string, path = ''): Problem => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col, path, message };
  };

  const deep = tooDeepAt(text);
  if (deep !== -1) {
    problems.push(at(deep, `collections nested more than ${MAX_FLOW_DEPTH} levels deep: refused`));
    return { documents: [], problems };
  }
  const docs = parseAllDocuments(text, {
    version: '1.2',
    schema: 'core',
    uniqueKeys: true,
    prettyErrors: false,
    merge: false,
  });
  // parseAllDocuments answers an EmptyStream for a text with no document at all.
  const parsed = Array.isArray(docs) ? docs : [];

  const documents: SourceDocument[] = [];
  parsed.forEach((doc, index) => {
    const docProblems = checkDocument(doc, text, at);
    if (docProblems.length > 0) {
      problems.push(...docProblems);
      return;
    }
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      problems.push(at(doc.range[0], `document ${index + 1}: ${describeToJsError(error)}`));
      return;
    }
    documents.push({ file, index, doc, lineCounter, value });
  });

  if (documents.length === 0 && problems.length === 0) {
    problems.push(at(0, 'file is incomplete: it holds no YAML document (empty or only comments)'));
  }
  return { documents, problems };
}

/**
 * Where each line of `text` starts, counted from the text itself: the parser's own count
 * misses the line breaks inside a token it could not place (a plain scalar running into
 * the next line after a syntax error), and every position after it was a line too early.
 */
function linesOf(text: string): LineCounter {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lineCounter.addNewLine(at + 1);
  return lineCounter;
}

type At = (offset: number, message: string) => Problem;

function checkDocument(doc: Document.Parsed, text: string, at: At): Problem[] {
  const problems: Problem[] = [];
  for (const error of doc.errors) {
    problems.push(at(error.pos[0], describeYamlError(error.code, error.message)));
  }
  if (problems.length > 0) return problems;

  const yamlDirective = doc.directives.yaml;
  if (yamlDirective.explicit && yamlDirective.version !== '1.2') {
    const directiveAt = text.lastIndexOf('%YAML', doc.range[0]);
    problems.push(
      at(
        Math.max(directiveAt, 0),
        `%YAML ${yamlDirective.version} is not supported: manifests are YAML 1.2 (remove the directive)`,
      ),
    );
    return problems;
  }

  walk(doc.contents, {
    Alias(alias) {
      const target = alias.resolve(doc);
      const start = alias.range?.[0] ?? 0;
      if (target === undefined) {
        problems.push(at(start, `alias *${alias.source} has no anchor`));
      } else if (target.range && start >= target.range[0] && start < target.range[1]) {
        problems.push(at(start, `alias *${alias.source} refers to a node that contains it (circular alias)`));
      }
    },
    Node(node) {
      if (node.tag !== undefined) {
        const tag = shortTag(node.tag);
        const start = node.range?.[0] ?? 0;
        // The node's range starts after its tag; point at the tag itself when it is near.
        const tagAt = text.lastIndexOf(tag.startsWith('!!') ? tag : '!', start);
        problems.push(
          at(
            tagAt >= 0 && start - tagAt < 256 ? tagAt : start,
            `explicit tags are not supported (${tag}): write a plain value, and quote it if it should be a string`,
          ),
        );
      }
      if (isScalar(node) && typeof node.value === 'number' && !Number.isFinite(node.value)) {
        problems.push(
          at(
            node.range?.[0] ?? 0,
            `${node.source ?? String(node.value)} is not a usable number (quote it if it is text)`,
          ),
        );
      }
    },
    Pair(pair) {
      const key = pair.key as Node | null;
      if (key && isCollection(key)) {
        problems.push(at(key.range?.[0] ?? 0, 'a map key must be a plain value, not a map or a list'));
      } else if (key && isScalar(key) && FORBIDDEN_KEYS.has(String(key.value))) {
        problems.push(at(key.range?.[0] ?? 0, `key "${String(key.value)}" is not allowed`));
      }
    },
  });
  if (
    problems.length === 0 &&
    doc.contents &&
    !isMap(doc.contents) &&
    !(isScalar(doc.contents) && doc.contents.value === null)
  ) {
    problems.push(
      at(doc.contents.range?.[0] ?? doc.range[0], 'a manifest must be a map (apiVersion, kind, metadata, spec)'),
    );
  }
  return problems;
}

interface Visitor {
  Alias(alias: Alias): void;
  /** A map, a list or a scalar. */
  Node(node: ParsedNode): void;
  Pair(pair: Pair): void;
}

/**
 * Every node below `node`, in document order, a pair before its key and value (what
 * yaml's `visit` calls, without the frozen path it allocates at every collection and
 * pair: a third of the time parsing takes, with the collections of that garbage).
 */
function walk(node: unknown, visitor: Visitor): void {
  if (isPair(node)) {
    visitor.Pair(node);
    walk(node.key, visitor);
    walk(node.value, visitor);
  } else if (isAlias(node)) {
    visitor.Alias(node);
  } else if (isCollection(node)) {
    visitor.Node(node as ParsedNode);
    for (const item of node.items) walk(item, visitor);
  } else if (isScalar(node)) {
    visitor.Node(node as ParsedNode);
  }
}

function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

function describeYamlError(code: string, message: string): string {
  const first = message.split('\n')[0] ?? message;
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'duplicate key: each key may appear once in a map';
    default:
      return `YAML syntax error: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
  }
}

function describeToJsError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/alias count/i.test(message))
    return `too many alias expansions (more than ${MAX_ALIAS_COUNT}): refusing a possible alias bomb`;
  return message;
}
