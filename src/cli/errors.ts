/** Wrong arguments or configuration: exit code 2 (README: Command line). */
export class UsageError extends Error {
  readonly code = 'USAGE';
}
