import { readSchemas } from '../app.js';
import { KINDS } from '../api/kinds.js';
import { bundleSchema } from '../manifest/bundle-schema.js';
import { UsageError } from './errors.js';
import type { Output } from './output.js';

export const SCHEMA_USAGE = `usage: tinyforge schema [KIND]

Prints a self-contained JSON Schema (draft 2020-12): for any manifest by default, or for
one KIND (${KINDS.join(', ')}, compose-file, or state for the state file).`;

/** `tinyforge schema [KIND]`: always exit 0 for a known KIND. */
export function schemaCommand(argv: string[], output: Output): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    output.out(SCHEMA_USAGE);
    return 0;
  }
  if (argv.length > 1) throw new UsageError(SCHEMA_USAGE);
  const schemas = readSchemas();
  const wanted = (argv[0] ?? 'manifest').toLowerCase();
  const entry = `${wanted}.schema.json`;
  if (!schemas.has(entry) || wanted === 'container') {
    throw new UsageError(`unknown schema "${argv[0]}"\n${SCHEMA_USAGE}`);
  }
  output.out(JSON.stringify(bundleSchema(schemas, entry), null, 2));
  return 0;
}
