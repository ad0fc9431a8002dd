import path from 'node:path';
import { readTextFile, writeNewFiles } from '../app-files.js';
import { DEFAULT_POLICY } from '../api/policy.js';
import { compareProblems, formatProblem } from '../api/problem.js';
import type { Problem } from '../api/problem.js';
import { importCompose, workloadName } from './compose-import.js';
import { UsageError } from './errors.js';
import { nonEmptyFlag } from './flag-values.js';
import type { Output } from './output.js';
import { helpPointer, parseCommandArgs } from './parse-command-args.js';

export const IMPORT_USAGE = `usage: tinyforge import FILE [-o DIR|-] [--split] [--name NAME] [--force]

Turns a compose file (docker-compose.yml) into tinyforge manifests.
By default: one Compose workload that runs the application as it is. With -o DIR it
writes DIR/NAME.yaml and beside it DIR/NAME.compose.yaml, a copy of the compose file
that the workload references (edit the copy); without -o, or with -o -, it prints one
manifest with the application inline.
--split: one Stack manifest in tinyforge's own fields instead (image, command, env,
envFiles, ports, volumes, network, restart, healthcheck, dependsOn, labels, replicas...).
Every key tinyforge cannot run is left out and named on stderr:
  FILE:line:col: key 'services.web.build' is not supported by tinyforge (dropped)
env_file stays a reference (env files hold secrets: never copied, never inlined); paths
(env_file, bind mounts) are kept as written: relative to the new manifest, they must lie
inside the manifest directory.

  -o, --output DIR   write into DIR (made when missing); - prints to stdout (the default)
  --split            a Stack instead of a Compose workload
  --name NAME        the workload's name (default: the file's name:, else its folder's)
  --force            replace files of the same name in DIR

Exit codes: 0 imported; 1 keys left out or values tinyforge rejects (what could be
converted is still written), or FILE is no compose file; 2 usage, or DIR already holds a
file of that name (nothing is written; --force replaces it).`;

/** The command's name (a quoted `import` followed by a quote on one line reads as an import statement to the layer check). */
const COMMAND = 'import';

export const OPTIONS = {
  output: { type: 'string', short: 'o' },
  split: { type: 'boolean' },
  name: { type: 'string' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `tinyforge import FILE`: a compose file as manifests. */
export async function importCommand(argv: string[], output: Output): Promise<number> {
  const { values, positionals } = parseCommandArgs(COMMAND, argv, OPTIONS, true);
  if (values.help) {
    output.out(IMPORT_USAGE);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(`takes one compose FILE (got ${positionals.length}); ${helpPointer(COMMAND)}`, COMMAND);
  const file = positionals[0]!;
  const dir = nonEmptyFlag(values.output ?? '-', '--output');
  const name = values.name === undefined ? undefined : nonEmptyFlag(values.name, '--name');
  if (name !== undefined && workloadName(name) !== name)
    throw new UsageError(
      `--name must be a DNS label such as ${workloadName(name)} (got ${JSON.stringify(name)})`,
      COMMAND,
    );
  const read = readTextFile(file);
  if ('error' in read) {
    output.err(`tinyforge import: ${file}: ${read.error}`);
    return 1;
  }
  const result = importCompose(read.text, file, { split: values.split === true, ...(name ? { name } : {}) });
  if (!('files' in result)) {
    report(output, result.problems);
    return 1;
  }
  report(output, [...result.dropped, ...result.invalid]);
  const failed = result.dropped.length + result.invalid.length > 0;
  if (dir === '-') {
    output.out(result.stdout);
    return failed ? 1 : 0;
  }
  let existing: string[];
  try {
    ({ existing } = writeNewFiles(dir, result.files, values.force === true));
  } catch (error) {
    output.err(`tinyforge import: cannot write into ${dir}: ${(error as Error).message}`);
    return 1;
  }
  if (existing.length > 0) {
    output.err(`tinyforge import: ${existing.join(', ')} already exists: nothing written (--force replaces it)`);
    return 2;
  }
  const written = result.files.map((f) => path.join(dir, f.path));
  output.err(`tinyforge import: wrote ${written.join(' and ')}; check with 'tinyforge validate ${dir}'`);
  if (result.invalid.length > 0) return 1;
  // What the compose file alone cannot tell: its references (env_file, bind mounts), seen from DIR.
  const { loadFromDisk } = await import('../app-manifests.js');
  const load = loadFromDisk({ files: [written[0]!], root: dir }, DEFAULT_POLICY);
  report(output, load.problems);
  if (load.problems.length > 0)
    output.err(
      `tinyforge import: paths (env_file, bind mounts) are kept as written, relative to the manifest in ${dir}: put what they name there (env files hold secrets: import never copies them)`,
    );
  return failed || load.problems.length > 0 ? 1 : 0;
}

function report(output: Output, problems: readonly Problem[]): void {
  if (problems.length > 0) output.err([...problems].sort(compareProblems).map(formatProblem).join('\n'));
}
