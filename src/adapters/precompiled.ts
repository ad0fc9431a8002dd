import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireCompiled } from './compile-cache.js';

/**
 * Where the build writes ajv's standalone validators (src/build/precompile-schemas.ts):
 * dist/generated/. Under vitest, which runs src/, the folder does not exist.
 */
export const GENERATED_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../generated');

/**
 * A module of precompiled validators, when it was built from schemas with this
 * fingerprint; undefined when it is missing (not built) or stale (schemas edited since),
 * and the caller compiles live.
 */
export function loadPrecompiled<T>(file: string, fingerprint: string): T | undefined {
  try {
    const compiled = requireCompiled(path.join(GENERATED_DIR, file)) as T & { fingerprint?: string };
    return compiled.fingerprint === fingerprint ? compiled : undefined;
  } catch {
    return undefined;
  }
}
