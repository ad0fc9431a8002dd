import { openController } from '../app.js';
import { formatProblem } from '../api/problem.js';
import { configurationError } from './configuration-error.js';
import { CONTROLLER_FLAGS_HELP, CONTROLLER_OPTIONS, controllerFlags } from './controller-flags.js';
import type { Output } from './output.js';
import { parseCommandArgs } from './parse-command-args.js';

export const PLAN_USAGE = `usage: tinyforge plan [options]

Read-only: prints what 'run --once' would do, one line per action with its cause
(+ create, ~ recreate / start, - remove). Writes nothing, creates no key.
Exit codes: 0 in sync; 1 error; 2 changes pending.

${CONTROLLER_FLAGS_HELP}`;

/** `tinyforge plan`: the same plan object `run` applies, printed, nothing changed. */
export async function planCommand(argv: string[], output: Output): Promise<number> {
  const { values } = parseCommandArgs('plan', argv, CONTROLLER_OPTIONS);
  if (values.help) {
    output.out(PLAN_USAGE);
    return 0;
  }
  const flags = controllerFlags(values);
  const controller = await openController(flags.config, 'plan').catch((error: unknown) =>
    configurationError(error, flags),
  );
  for (const notice of controller.notices) output.err(`tinyforge: ${notice}`);
  const result = await controller.tick();
  for (const problem of result.state.invalid) output.err(formatProblem(problem));
  if (!result.outcome.dockerReachable) {
    output.err(`tinyforge: Docker is unreachable: ${result.state.controller.docker.lastError}`);
    return 1;
  }
  if (result.outcome.held !== undefined) {
    output.err(`tinyforge: ${result.outcome.held}`);
    return 1;
  }
  for (const line of result.planLines) output.out(line);
  if (result.outcome.pruneRefused.length > 0)
    output.err(`tinyforge: prune would be refused for ${result.outcome.pruneRefused.join(', ')}`);
  if (result.planLines.length === 0) output.out('in sync: nothing to do');
  if (result.state.invalid.length > 0) return 1;
  return result.planLines.length > 0 ? 2 : 0;
}
