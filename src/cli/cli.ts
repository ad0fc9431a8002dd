import { closest } from '../api/closest.js';
import { UsageError } from './errors.js';
import type { Output } from './output.js';

export const USAGE = `usage: tinyforge <command> [options]

commands:
  run [--once]         the controller: reconcile the manifest directory with Docker
  plan                 what 'run --once' would do, read-only
  status [NAME]        workloads from the state file (-o table|json)
  wait NAME...         wait until workloads are Ready with the spec on disk
  logs NAME            a workload's container logs (-f follows)
  describe NAME        a workload in detail: spec, conditions, containers, events
  events [NAME]        the controller's events (-f follows, -o json)
  reconcile NAME       ask the running controller to reconcile a workload now
  suspend NAME         ask the running controller to stop acting on a workload
  resume NAME          ask the running controller to act on a suspended workload again
  validate [PATH...]   check manifests (file:line:col: message per problem)
  schema [KIND]        print the JSON Schema of manifests or of one kind
  import FILE          a compose file as manifests (-o DIR, --split for a Stack)
  init [DIR]           a starter manifest directory (default ./manifests)
  demo                 a throw-away sandbox engine with example workloads (Ctrl-C removes it)
  version              tinyforge's, Node's and the Docker engine's versions (also --version)
  completion bash|zsh  a shell completion script for commands, flags and workload names

Run 'tinyforge <command> --help' for a command's options.`;

type Command = (argv: string[], output: Output) => number | Promise<number>;

/** Loaded on demand: `status` need not pay for ajv, nor `validate` for dockerode. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run-command.js')).runCommand,
  plan: async () => (await import('./plan-command.js')).planCommand,
  status: async () => (await import('./status-command.js')).statusCommand,
  wait: async () => (await import('./wait-command.js')).waitCommand,
  logs: async () => (await import('./logs-command.js')).logsCommand,
  describe: async () => (await import('./describe-command.js')).describeCommand,
  events: async () => (await import('./events-command.js')).eventsCommand,
  reconcile: async () => (await import('./control-command.js')).reconcileCommand,
  suspend: async () => (await import('./control-command.js')).suspendCommand,
  resume: async () => (await import('./control-command.js')).resumeCommand,
  validate: async () => (await import('./validate-command.js')).validateCommand,
  schema: async () => (await import('./schema-command.js')).schemaCommand,
  import: async () => (await import('./import-command.js')).importCommand,
  init: async () => (await import('./init-command.js')).initCommand,
  demo: async () => (await import('./demo-command.js')).demoCommand,
  version: async () => (await import('./version-command.js')).versionCommand,
  completion: async () => (await import('./completion-command.js')).completionCommand,
  /** Hidden: what the completion script asks for (workload names from the state file). */
  __complete: async () => (await import('./completion-command.js')).completeCommand,
};

/** The commands a person types (the hidden ones start with `_`). */
export function commandNames(): string[] {
  return Object.keys(COMMANDS).filter((name) => !name.startsWith('_'));
}

/**
 * Runs one command and decides the exit code; usage errors are 2 (README: Command line).
 * Only this layer turns errors into exit codes.
 */
export async function runCli(argv: string[], output: Output): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? output.err : output.out)(USAGE);
    return command === undefined ? 2 : 0;
  }
  const load = COMMANDS[command === '--version' ? 'version' : command];
  try {
    if (!load) throw unknownCommand(command);
    return await (await load())(rest, output);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`tinyforge${error.command ? ` ${error.command}` : ''}: ${error.message}`);
      // plan's 2 means "changes pending" to CI: a mistake in its flags is its "error", 1.
      return command === 'plan' ? 1 : 2;
    }
    throw error;
  }
}

function unknownCommand(command: string): UsageError {
  const near = closest(command, commandNames());
  return new UsageError(
    `unknown command ${JSON.stringify(command)}${near ? ` (did you mean ${JSON.stringify(near)}?)` : "; see 'tinyforge --help'"}`,
  );
}
