import { openController } from '../app.js';
import { formatProblem } from '../api/problem.js';
import { colourOn } from './colour.js';
import { configurationError } from './configuration-error.js';
import { CONTROLLER_FLAGS_HELP, CONTROLLER_OPTIONS, controllerFlags } from './controller-flags.js';
import { choiceFlag } from './flag-values.js';
import type { Output } from './output.js';
import { parseCommandArgs } from './parse-command-args.js';
import { planJson, planSummary, planText } from './plan-output.js';

export const PLAN_USAGE = `usage: tinyforge plan [options] [-o text|json]

Read-only: prints what 'run --once' would do, one line per action with its cause
(+ create, ~ recreate / start, - remove), each changed field beneath it with its old
and new value (values from envFiles read "(secret changed)"), and a summary line.
Colour on a terminal, none when NO_COLOR is set; FORCE_COLOR forces it.
-o json: {"actions": [{kind, workload, container, reason, changes: [{path, old, new}]}],
"summary": {create, recreate, remove, ...}}. Writes nothing, creates no key.
Exit codes: 0 in sync; 1 error; 2 changes pending.

${CONTROLLER_FLAGS_HELP}`;

const PLAN_OPTIONS = { ...CONTROLLER_OPTIONS, output: { type: 'string', short: 'o' } } as const;

/** `tinyforge plan`: the same plan object `run` applies, printed, nothing changed. */
export async function planCommand(argv: string[], output: Output): Promise<number> {
  const { values } = parseCommandArgs('plan', argv, PLAN_OPTIONS);
  if (values.help) {
    output.out(PLAN_USAGE);
    return 0;
  }
  const format = choiceFlag(values.output ?? 'text', '-o', ['text', 'json'] as const);
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
  if (format === 'json') output.out(planJson(result.plan));
  else printPlan(result.plan, output);
  if (result.outcome.pruneRefused.length > 0)
    output.err(`tinyforge: prune would be refused for ${result.outcome.pruneRefused.join(', ')}`);
  if (result.state.invalid.length > 0) return 1;
  return result.plan.length > 0 ? 2 : 0;
}

function printPlan(plan: Parameters<typeof planText>[0], output: Output): void {
  if (plan.length === 0) {
    output.out('in sync: nothing to do');
    return;
  }
  for (const line of planText(plan, colourOn(process.env, output.isTTY ?? false))) output.out(line);
  output.out(`\n${planSummary(plan)}`);
}
