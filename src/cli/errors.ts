/** Wrong arguments or configuration: exit code 2 (DESIGN.md section 5). */
export class UsageError extends Error {
  readonly code = 'USAGE';
}
