/** One thing wrong with the input, located in a file. Lines and columns are 1-based. */
export interface Problem {
  /** The file as the user named it (relative to the current folder when it lies below it). */
  file: string;
  line: number;
  column: number;
  /** JSON pointer into the document, e.g. `/spec/replicas`; empty for the whole document or file. */
  path: string;
  /** A sentence a person understands, naming the field, e.g. `spec.replicas must be an integer (got "two")`. */
  message: string;
}

/** `file:line:col: message`, the form compilers use, which editors and CI logs link. */
export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`;
}

/** Problems in reading order: by file, then line, then column. */
export function compareProblems(a: Problem, b: Problem): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}
