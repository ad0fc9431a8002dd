import { readState } from '../app-state.js';
import { KINDS } from '../api/kinds.js';
import { commandNames } from './cli.js';
import { CONTROLLER_OPTIONS } from './controller-flags.js';
import { OPTIONS as CONTROL_OPTIONS } from './control-command.js';
import { OPTIONS as DESCRIBE_OPTIONS } from './describe-command.js';
import { OPTIONS as EVENTS_OPTIONS } from './events-command.js';
import { OPTIONS as IMPORT_OPTIONS } from './import-command.js';
import { OPTIONS as INIT_OPTIONS } from './init-command.js';
import { OPTIONS as LOGS_OPTIONS } from './logs-command.js';
import { UsageError } from './errors.js';
import { choiceFlag } from './flag-values.js';
import type { Output } from './output.js';
import { helpPointer, parseCommandArgs } from './parse-command-args.js';
import { POLICY_OPTIONS } from './policy-flags.js';

export const COMPLETION_USAGE = `usage: tinyforge completion bash|zsh

Prints a completion script for commands, their flags and workload names (read from the
state file, ./.tinyforge/state.json or the --state given on the line). Load it with
  source <(tinyforge completion bash)      # in ~/.bashrc
  source <(tinyforge completion zsh)       # in ~/.zshrc`;

const CONTROLLER = Object.keys(CONTROLLER_OPTIONS);

/** Each command's long flags (a command not named here completes none). */
const FLAGS: Record<string, string[]> = {
  run: [...CONTROLLER, 'log-format'],
  plan: [...CONTROLLER, 'output'],
  wait: [...CONTROLLER, 'for', 'timeout', 'interval'],
  status: ['output', 'state', 'help'],
  validate: ['json', 'root', 'backend', 'help', ...Object.keys(POLICY_OPTIONS)],
  schema: ['help'],
  demo: ['port', 'dir', 'down', 'help'],
  logs: Object.keys(LOGS_OPTIONS),
  describe: Object.keys(DESCRIBE_OPTIONS),
  events: Object.keys(EVENTS_OPTIONS),
  import: Object.keys(IMPORT_OPTIONS),
  init: Object.keys(INIT_OPTIONS),
  reconcile: Object.keys(CONTROL_OPTIONS),
  suspend: Object.keys(CONTROL_OPTIONS),
  resume: Object.keys(CONTROL_OPTIONS),
  version: ['docker-host', 'help'],
  completion: ['help'],
};

/** Commands that take workload names (DESIGN.md section 5: NAME). */
const NAME_COMMANDS = ['status', 'wait', 'logs', 'describe', 'events', 'reconcile', 'suspend', 'resume'];

/** What follows `-o` for each command that has it. */
const OUTPUTS: Record<string, string> = { status: 'table wide json yaml', plan: 'text json', events: 'text json' };

/** `tinyforge completion bash|zsh`. */
export function completionCommand(argv: string[], output: Output): number {
  const { values, positionals } = parseCommandArgs('completion', argv, { help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) {
    output.out(COMPLETION_USAGE);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(`takes one shell, bash or zsh; ${helpPointer('completion')}`, 'completion');
  const shell = choiceFlag(positionals[0]!, 'the shell', ['bash', 'zsh'] as const);
  // zsh runs the bash function through its bashcompinit layer.
  const zsh = '#compdef tinyforge\nautoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n';
  output.out(`${shell === 'zsh' ? zsh : ''}${bashScript()}`);
  return 0;
}

/** Hidden `tinyforge __complete names [--state FILE]`: workload names and ids, one a line; nothing on any error. */
export async function completeCommand(argv: string[], output: Output): Promise<number> {
  const { values } = parseCommandArgs('__complete', argv, { state: { type: 'string' } }, true);
  const state = await readState(values.state ?? '.tinyforge/state.json').catch(() => undefined);
  const names = Object.entries(state?.workloads ?? {}).flatMap(([id, w]) => [w.name, id]);
  if (names.length > 0) output.out([...new Set(names)].sort().join('\n'));
  return 0;
}

function bashScript(): string {
  const flagCases = Object.entries(FLAGS)
    .map(([command, flags]) => `    ${command}) flags="${flags.map((f) => `--${f}`).join(' ')}" ;;`)
    .join('\n');
  const outputCases = Object.entries(OUTPUTS)
    .map(([command, formats]) => `    ${command}) formats="${formats}" ;;`)
    .join('\n');
  return `# tinyforge completion: commands, flags and workload names
_tinyforge() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  COMPREPLY=()
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${commandNames().join(' ')} --help --version" -- "$cur"))
    return
  fi
  local command=\${COMP_WORDS[1]} state=.tinyforge/state.json i flags="" formats=""
  for ((i = 2; i < COMP_CWORD; i++)); do
    if [[ \${COMP_WORDS[i]} == --state ]]; then state=\${COMP_WORDS[i+1]}; fi
  done
  case $command in
${outputCases}
  esac
  case $prev in
    -o|--output) COMPREPLY=($(compgen -W "$formats" -- "$cur")); return ;;
    --manifests|--state|--root|--dir) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  if [[ $cur == -* ]]; then
    case $command in
${flagCases}
    esac
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    return
  fi
  case $command in
    ${NAME_COMMANDS.join('|')})
      COMPREPLY=($(compgen -W "$("\${COMP_WORDS[0]}" __complete names --state "$state" 2>/dev/null)" -- "$cur")) ;;
    completion) COMPREPLY=($(compgen -W "bash zsh" -- "$cur")) ;;
    schema) COMPREPLY=($(compgen -W "${KINDS.join(' ')} compose-file state" -- "$cur")) ;;
  esac
}
complete -F _tinyforge tinyforge
`;
}
