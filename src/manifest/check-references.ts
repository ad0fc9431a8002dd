import type { Problem } from '../api/problem.js';
import type { Reference } from '../api/workload.js';
import { parseDotenv } from './dotenv.js';
import type { FieldPath } from './field-path.js';
import { displayPath } from './field-path.js';
import type { Finding } from './finding.js';
import { resolveReference } from './resolve-reference.js';
import type { ReferenceContext, ReferenceRequest } from './resolve-reference.js';

/** The outcome of checking the paths a document refers to. */
export interface ReferenceCheck {
  findings: Finding[];
  /** Problems inside the referenced files themselves (a bad line in an env file). */
  problems: Problem[];
  references: Reference[];
}

export function emptyReferenceCheck(): ReferenceCheck {
  return { findings: [], problems: [], references: [] };
}

/** Resolves one referenced path, recording the reference or a finding at `at`. */
export function checkReference(
  check: ReferenceCheck,
  at: FieldPath,
  request: Omit<ReferenceRequest, 'field'>,
  context: ReferenceContext,
): Reference | undefined {
  const field = displayPath(at);
  const result = resolveReference({ ...request, field }, context);
  if ('message' in result) {
    check.findings.push({ path: at, message: result.message });
    return undefined;
  }
  check.references.push(result);
  if (result.kind === 'envFile') checkEnvFile(check, at, result, context);
  return result;
}

/** An env file must parse as dotenv; its problems never quote a value (they are secrets). */
function checkEnvFile(check: ReferenceCheck, at: FieldPath, reference: Reference, context: ReferenceContext): void {
  const read = context.access.readText(reference.path);
  if ('error' in read) {
    check.findings.push({ path: at, message: `${displayPath(at)}: ${read.error}` });
    return;
  }
  const file = context.access.display(reference.path);
  for (const problem of parseDotenv(read.text).problems) {
    check.problems.push({
      file,
      line: problem.line,
      column: problem.column,
      path: '',
      message: `env file: ${problem.message}`,
    });
  }
}
