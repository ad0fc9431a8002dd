import { DEFAULT_POLICY } from '../api/policy.js';
import type { Policy } from '../api/policy.js';
import type { ControllerState } from '../api/state-types.js';
import { describeText } from './describe-text.js';
import type { SpecSummary } from './describe-text.js';
import { specLines } from './describe-spec.js';
import { nonEmptyFlag } from './flag-values.js';
import type { Output } from './output.js';
import { parseCommandArgs } from './parse-command-args.js';
import { DEFAULT_STATE_FILE, lookUpWorkload, oneName } from './workload-lookup.js';

export const DESCRIBE_USAGE = `usage: tinyforge describe NAME [--state FILE] [--manifests DIR]

A workload in detail, like 'kubectl describe': where it comes from, its generation and
phase, a summary of its spec (from the manifest on disk, when it loads: image, replicas,
command, ports, network, healthcheck, env keys and env files, never env values), its
conditions with reasons and times, its containers, rollouts, last error and recent
events. Reads the state file (and the manifests): works with Docker down.
NAME is a workload's name (web) or id (image/web).

  --state FILE       state file (default ./.tinyforge/state.json)
  --manifests DIR    manifest directory (default: the one the state file names)

Exit codes: 0; 1 no such workload, or no state file; 2 usage.`;

export const OPTIONS = {
  state: { type: 'string' },
  manifests: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Reading a manifest to describe it is no deploy: every operator policy allows it. */
const READ_ONLY_POLICY: Policy = {
  ...DEFAULT_POLICY,
  allowPrivileged: true,
  allowCapabilities: ['ALL'],
  allowDevices: true,
  allowHostNamespaces: true,
  allowHostPaths: ['/'],
};

/** `tinyforge describe`: one workload from the state file, in detail. */
export async function describeCommand(argv: string[], output: Output, now: Date = new Date()): Promise<number> {
  const { values, positionals } = parseCommandArgs('describe', argv, OPTIONS, true);
  if (values.help) {
    output.out(DESCRIBE_USAGE);
    return 0;
  }
  const name = oneName('describe', positionals);
  const file = nonEmptyFlag(values.state ?? DEFAULT_STATE_FILE, '--state');
  const manifests = values.manifests === undefined ? undefined : nonEmptyFlag(values.manifests, '--manifests');
  const found = await lookUpWorkload(file, name, output);
  if (!found) return 1;
  const { state, id, workload } = found;
  const spec = await specOnDisk(id, state, manifests ?? state.controller.manifestDir);
  output.out(describeText(id, workload, state, spec, now));
  return 0;
}

/** The workload's spec as its manifest now says, or why it cannot be read (then the state file's facts stand alone). */
async function specOnDisk(id: string, state: ControllerState, dir: string): Promise<SpecSummary> {
  try {
    const { loadFromDisk } = await import('../app-manifests.js');
    const load = loadFromDisk({ dir }, READ_ONLY_POLICY, { backend: state.controller.backend ?? 'docker' });
    const workload = load.workloads.find((w) => w.id === id);
    if (workload) return { lines: specLines(workload), from: workload.source.file };
    if (load.unreadable) return { missing: `${dir}: ${load.unreadable}` };
    if (load.invalidIds.includes(id)) return { missing: `its manifest is invalid: run 'tinyforge validate ${dir}'` };
    return { missing: `no manifest of ${id} in ${dir}` };
  } catch (error) {
    return { missing: (error as Error).message };
  }
}
