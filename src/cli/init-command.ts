import path from 'node:path';
import { directoryEntries, writeNewFiles } from '../app-files.js';
import { readSchemas } from '../app-manifests.js';
import { bundleSchema } from '../manifest/bundle-schema.js';
import { UsageError } from './errors.js';
import type { Output } from './output.js';
import { helpPointer, parseCommandArgs } from './parse-command-args.js';

/** The schema file init writes beside the example, which the example's editor modeline names. */
export const SCHEMA_FILE = 'tinyforge.schema.json';

export const INIT_USAGE = `usage: tinyforge init [DIR] [--force]

Starts a manifest directory (default ./manifests): hello.yaml, one commented Image
workload to edit (it passes 'tinyforge validate' as it is), and ${SCHEMA_FILE}, the
schema its first line points editors at (the YAML language server: completion and
checks as you type; 'tinyforge schema > DIR/${SCHEMA_FILE}' refreshes it after an upgrade).
DIR must be new or empty.

  --force    write into a directory that is not empty (replacing files of the same name)

Exit codes: 0 written; 2 usage, or DIR is not empty (nothing written).`;

export const OPTIONS = {
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The starter manifest: valid as it is, every line saying what to change. */
export const EXAMPLE_MANIFEST = `# yaml-language-server: $schema=${SCHEMA_FILE}
#
# A starter workload. Edit it, then:
#   tinyforge validate        # checks every manifest here, without Docker
#   tinyforge plan            # what would change, and why
#   tinyforge run --once      # apply it (tinyforge run: keep it applied)
# Every *.yaml file in this directory is a manifest; the README lists every field.
apiVersion: tinyforge.dev/v1
kind: Image                  # Image | Stack | Project | Compose | Static
metadata:
  name: hello                # a DNS label, unique across all kinds in this directory
spec:
  image: busybox:1.36        # your image; pulled when missing (pullPolicy: Never to forbid it)
  command: [sh, -c, "while true; do echo hello; sleep 60; done"]
  network: none              # no network at all; bridge (default), host, or a network name
  init: true                 # docker-init as PID 1, so a stop is quick
  replicas: 1                # identical containers; scaling down removes the highest first
  # env:
  #   GREETING: "hello"      # values are strings: quote numbers and booleans
  # ports:                   # needs a network other than none and host
  #   - container: 8080
  #     host: 8080           # published on 127.0.0.1 unless hostIP says otherwise
`;

/** \`tinyforge init [DIR]\`: a starter manifest directory. */
export function initCommand(argv: string[], output: Output): number {
  const { values, positionals } = parseCommandArgs('init', argv, OPTIONS, true);
  if (values.help) {
    output.out(INIT_USAGE);
    return 0;
  }
  if (positionals.length > 1)
    throw new UsageError(`takes at most one DIR (got ${positionals.length}); ${helpPointer('init')}`, 'init');
  const dir = positionals[0] ?? 'manifests';
  const entries = entriesOf(dir);
  if (entries.length > 0 && values.force !== true) {
    output.err(
      `tinyforge init: ${dir} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}): nothing written; init starts a new or empty directory (--force writes into it anyway)`,
    );
    return 2;
  }
  const schema = `${JSON.stringify(bundleSchema(readSchemas(), 'manifest.schema.json'), null, 2)}\n`;
  const files = [
    { path: 'hello.yaml', text: EXAMPLE_MANIFEST },
    { path: SCHEMA_FILE, text: schema },
  ];
  writeNewFiles(dir, files, true);
  output.err(
    `tinyforge init: wrote ${files.map((f) => path.join(dir, f.path)).join(' and ')}; edit hello.yaml, then 'tinyforge validate${dir === 'manifests' ? '' : ` ${dir}`}'`,
  );
  return 0;
}

function entriesOf(dir: string): string[] {
  try {
    return directoryEntries(dir) ?? [];
  } catch (error) {
    throw new UsageError(`${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'init');
  }
}
