import { createRequire } from 'node:module';
import type { AjvClass } from '../manifest/schema-validator.js';

/**
 * ajv's draft 2020-12 class, loaded now: only to compile schemas live (not built yet, or
 * edited since the build), which precompiled validators otherwise spare.
 */
export function ajvClass(): AjvClass {
  return (createRequire(import.meta.url)('ajv/dist/2020.js') as { Ajv2020: AjvClass }).Ajv2020;
}
