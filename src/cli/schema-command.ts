import { readSchemas } from '../app-manifests.js';
import { KINDS } from '../api/kinds.js';
import { bundleSchema } from '../manifest/bundle-schema.js';
import { closest } from '../api/closest.js';
import { UsageError } from './errors.js';
import type { Output } from './output.js';
import { helpPointer, parseCommandArgs } from './parse-command-args.js';

export const SCHEMA_USAGE = `usage: tinyforge schema [KIND]

Prints a self-contained JSON Schema (draft 2020-12): for any manifest by default, or for
one KIND (${KINDS.join(', ')}, compose-file, or state for the state file).`;

/** `tinyforge schema [KIND]`: always exit 0 for a known KIND. */
export function schemaCommand(argv: string[], output: Output): number {
  const { values, positionals } = parseCommandArgs('schema', argv, { help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) {
    output.out(SCHEMA_USAGE);
    return 0;
  }
  if (positionals.length > 1)
    throw new UsageError(`takes at most one KIND (got ${positionals.length}); ${helpPointer('schema')}`, 'schema');
  const schemas = readSchemas();
  const known = [...schemas.keys()]
    .map((entry) => entry.replace(/\.schema\.json$/, ''))
    .filter((name) => name !== 'container');
  const wanted = (positionals[0] ?? 'manifest').toLowerCase();
  if (!known.includes(wanted)) {
    const near = closest(wanted, known);
    throw new UsageError(
      `unknown schema ${JSON.stringify(positionals[0])}${near ? ` (did you mean ${JSON.stringify(near)}?)` : `; ${helpPointer('schema')}`}`,
      'schema',
    );
  }
  output.out(JSON.stringify(bundleSchema(schemas, `${wanted}.schema.json`), null, 2));
  return 0;
}
