/**
 * Wrong arguments or configuration: exit code 2 (README: Command line). The message is
 * one line naming the flag or argument; `command`, when set, is named before it
 * (`tinyforge run: unknown option --manfests`).
 */
export class UsageError extends Error {
  readonly code = 'USAGE';

  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}
