import type { Reference } from '../api/workload.js';

/** What a secret's value becomes in any message tinyforge writes. */
export const REDACTED = '(secret)';

/**
 * The error with every secret value (a workload's env-file values, DESIGN.md guarantee 7)
 * replaced by `(secret)` in its message and stack: the engine may quote a request's env
 * in its error text, and that text reaches `lastError`, events and logs. The error keeps
 * its class, so a caller still tells an unreachable engine from a name conflict.
 */
export function withoutSecrets(error: unknown, secrets: Iterable<string>): unknown {
  // Longest first: a secret that contains another is replaced whole.
  const values = [...new Set(secrets)].filter((v) => v !== '').sort((a, b) => b.length - a.length);
  if (values.length === 0) return error;
  const redact = (text: string) => values.reduce((out, value) => out.split(value).join(REDACTED), text);
  if (!(error instanceof Error)) return new Error(redact(String(error)));
  error.message = redact(error.message);
  if (error.stack !== undefined) error.stack = redact(error.stack);
  return error;
}

export type ReadEnvFile = (reference: Reference) => Map<string, string>;

/** The variables of these env files, in order: their values are secrets. */
export function envFileEnv(files: readonly Reference[], read: ReadEnvFile): Map<string, string> {
  const env = new Map<string, string>();
  for (const file of files) for (const [k, v] of read(file)) env.set(k, v);
  return env;
}

/** `withoutSecrets` with these env files' values as the secrets, read again (none when they cannot be read now). */
export function withoutEnvFileValues(error: unknown, files: readonly Reference[], read: ReadEnvFile): unknown {
  let values: string[] = [];
  try {
    values = [...envFileEnv(files, read).values()];
  } catch {
    // A file gone since the request was made: its values are not known here any more.
  }
  return withoutSecrets(error, values);
}
