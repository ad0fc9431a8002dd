import fs from 'node:fs';
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

/** Written by the build (src/build/bundle.ts): a hash of the bundle, the precompiled validators and the schemas. */
export const BUILD_ID_FILE = 'build-id';

let build: { id: string | undefined } | undefined;
/** This build's ID, or undefined when tinyforge runs unbuilt; read once per process. */
export function buildId(): string | undefined {
  build ??= { id: readBuildId() };
  return build.id;
}

function readBuildId(): string | undefined {
  try {
    return fs.readFileSync(path.join(GENERATED_DIR, BUILD_ID_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
