import { isDirectoryTarget } from '../app-process.js';
import path from 'node:path';
import { compareProblems, formatProblem } from '../api/problem.js';
import type { Problem } from '../api/problem.js';
import { loadFromDisk } from '../app-manifests.js';
import { choiceFlag, nonEmptyFlag } from './flag-values.js';
import type { Output } from './output.js';
import { parseCommandArgs } from './parse-command-args.js';
import { POLICY_OPTIONS, policyFromFlags } from './policy-flags.js';

export const VALIDATE_USAGE = `usage: tinyforge validate [PATH...] [--json] [--root DIR] [--backend docker|swarm] [--allow-... policy flags]

Checks manifests against tinyforge's schemas and across each other, without Docker.
PATH is a manifest directory (default ./manifests) or manifest files; files are checked
together, with --root (default: their folder) as their manifest directory.
--backend (default docker) is the backend they are for: placement and publishMode: ingress
are valid under swarm only. Prints file:line:col: message per problem on stderr; --json prints
{"valid": bool, "problems": [...]} on stdout. Exit 0 valid, 1 invalid, 2 usage error.`;

const VALIDATE_OPTIONS = {
  json: { type: 'boolean' },
  root: { type: 'string' },
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...POLICY_OPTIONS,
} as const;

/** `tinyforge validate`: exit 0 when every manifest is valid, 1 otherwise. */
export function validateCommand(argv: string[], output: Output): number {
  const { values, positionals } = parseCommandArgs('validate', argv, VALIDATE_OPTIONS, true);
  if (values.help) {
    output.out(VALIDATE_USAGE);
    return 0;
  }
  if (values.root !== undefined) nonEmptyFlag(values.root, '--root');
  const policy = policyFromFlags(values, process.env['DOCKER_HOST']);
  const backend = choiceFlag(values.backend ?? 'docker', '--backend', ['docker', 'swarm'] as const);
  const targets = positionals.length > 0 ? positionals : ['manifests'];
  const problems: Problem[] = [];
  let workloads = 0;
  const files: string[] = [];
  for (const target of targets) {
    if (isDirectoryTarget(target)) {
      const load = loadFromDisk({ dir: target }, policy, { backend });
      problems.push(...load.problems);
      workloads += load.workloads.length;
      if (load.unreadable !== undefined)
        problems.push({ file: target, line: 1, column: 1, path: '', message: load.unreadable });
      else if (load.fileCount === 0)
        problems.push({
          file: target,
          line: 1,
          column: 1,
          path: '',
          message: 'no manifests found (*.yaml or *.yml files)',
        });
    } else {
      files.push(target);
    }
  }
  if (files.length > 0) {
    const byRoot = new Map<string, string[]>();
    for (const file of files) {
      const root = values.root ?? path.dirname(file);
      byRoot.set(root, [...(byRoot.get(root) ?? []), file]);
    }
    for (const [root, group] of byRoot) {
      const load = loadFromDisk({ files: group, root }, policy, { backend });
      problems.push(...load.problems);
      workloads += load.workloads.length;
    }
  }
  problems.sort(compareProblems);

  if (values.json) {
    output.out(JSON.stringify({ valid: problems.length === 0, problems }, null, 2));
  } else if (problems.length > 0) {
    output.err(problems.map(formatProblem).join('\n'));
    const fileCount = new Set(problems.map((p) => p.file)).size;
    output.err(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${fileCount} file${fileCount === 1 ? '' : 's'}`,
    );
  } else {
    output.out(`valid: ${workloads} workload${workloads === 1 ? '' : 's'}`);
  }
  return problems.length === 0 ? 0 : 1;
}
