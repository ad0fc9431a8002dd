import { UsageError } from './errors.js';
import type { Output } from './output.js';
import { planCommand } from './plan-command.js';
import { runCommand } from './run-command.js';
import { schemaCommand } from './schema-command.js';
import { statusCommand } from './status-command.js';
import { validateCommand } from './validate-command.js';

export const USAGE = `usage: tinyforge <command> [options]

commands:
  run [--once]         the controller: reconcile the manifest directory with Docker
  plan                 what 'run --once' would do, read-only
  status [NAME]        workloads from the state file (-o table|json)
  validate [PATH...]   check manifests (file:line:col: message per problem)
  schema [KIND]        print the JSON Schema of manifests or of one kind

Run 'tinyforge <command> --help' for a command's options.`;

const COMMANDS: Record<string, (argv: string[], output: Output) => number | Promise<number>> = {
  run: runCommand,
  plan: planCommand,
  status: statusCommand,
  validate: validateCommand,
  schema: schemaCommand,
};

/**
 * Runs one command and decides the exit code; usage errors are 2 (DESIGN.md section 5).
 * Only this layer turns errors into exit codes.
 */
export async function runCli(argv: string[], output: Output): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? output.err : output.out)(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    output.out('tinyforge 0.1.0');
    return 0;
  }
  const handler = COMMANDS[command];
  try {
    if (!handler) throw new UsageError(`unknown command "${command}"\n${USAGE}`);
    return await handler(rest, output);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`tinyforge: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
