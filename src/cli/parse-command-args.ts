import { parseArgs } from 'node:util';
import { closest } from '../api/closest.js';
import { UsageError } from './errors.js';

type OptionsConfig = NonNullable<Parameters<typeof parseArgs>[0]>['options'] & object;

/**
 * node:util's parseArgs, strict, for one command: its errors become one-line usage
 * errors naming the option, with the closest known option suggested for a typo. Every
 * command parses its arguments here, so they all answer alike.
 */
export function parseCommandArgs<const O extends OptionsConfig>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw usageError(command, error, options);
  }
}

/** Where to read about a command's options. */
export function helpPointer(command: string): string {
  return `see 'tinyforge ${command} --help'`;
}

function usageError(command: string, error: unknown, options: OptionsConfig): unknown {
  const { code, message } = error as { code?: string; message: string };
  // node names the option first in its message: `Unknown option '--x'`, `Option '--x <value>' argument missing`.
  // An option with a short alias is `'-o, --output <value>'`: name it by its long name.
  const quoted = /'(?:-\w, )?(-[^' ]*)/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const known = Object.keys(options).map((name) => `--${name}`);
      const near = quoted.startsWith('--') ? closest(quoted.split('=')[0]!, known) : undefined;
      return new UsageError(
        `unknown option ${quoted}${near ? ` (did you mean ${near}?)` : `; ${helpPointer(command)}`}`,
        command,
      );
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new UsageError(
        /does not take an argument/.test(message) ? `${quoted} takes no value` : `${quoted} needs a value`,
        command,
      );
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(
        `unexpected argument ${JSON.stringify(/'(.*)'\./.exec(message)?.[1] ?? '')}; ${helpPointer(command)}`,
        command,
      );
    default:
      return error;
  }
}
