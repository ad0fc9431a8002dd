import { afterEach, describe, expect, it } from 'vitest';
import { PassReporter } from '../../src/adapters/pass-reporter.js';
import { controllerLog } from '../../src/cli/controller-log.js';
import { DockerUnreachableError } from '../../src/reconcile/docker-port.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { SwarmHarness } from '../support/swarm-harness.js';
import { TickHarness } from '../support/tick-harness.js';

const SECRET = 'hunter2-s3cr3t';
const PLAIN = 'plain-value';

/**
 * Docker may quote a create request's env in its error text. A workload's env-file values
 * (secrets, guarantee 7) are replaced by `(secret)` before that text reaches `lastError`,
 * events or the daemon's stderr lines; the rest of the message, spec env included, stays.
 */
describe("an env file's value echoed in the engine's error never leaves as it is", () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  const failedPass = async (error: Error, backend: 'docker' | 'swarm' = 'docker') => {
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', ['envFiles: [web.env]', 'env: {MODE: plain-value}', 'network: host']),
      'web.env': `TOKEN=${SECRET}\nSHORT=${SECRET.slice(0, 7)}\n`,
    });
    const harness = backend === 'docker' ? new TickHarness(dir) : new SwarmHarness(dir);
    if (harness instanceof SwarmHarness) harness.swarm.createError = error;
    else harness.docker.createError = error;
    const result = await harness.tick();
    const lines: string[] = [];
    // The daemon's log as collectors get it: every field of every JSON line is checked.
    const log = controllerLog({ out: (l) => lines.push(l), err: (l) => lines.push(l) }, 'json');
    new PassReporter(log, () => 0).pass(result, 'full');
    const said = lines.map((line) => JSON.parse(line).msg as string);
    return { result, lines, said, written: JSON.stringify(result.state) };
  };

  it('a failed create: lastError, the event and stderr say (secret)', async () => {
    const { result, lines, said, written } = await failedPass(
      new Error(`create: invalid environment "TOKEN=${SECRET}" "MODE=${PLAIN}"`),
    );
    const expected = 'create: invalid environment "TOKEN=(secret)" "MODE=plain-value"';
    expect(result.state.workloads['image/web']?.lastError).toBe(expected);
    expect(result.events.map((e) => e.message)).toContain(expected);
    expect(said).toContain(`image/web: Failed: ${expected}`);
    for (const text of [written, JSON.stringify(result.events), ...lines])
      expect(text).not.toContain(SECRET.slice(0, 7));
  });

  it('an engine that stopped answering mid-create, quoting the env: the same', async () => {
    const { result, lines, said, written } = await failedPass(
      new DockerUnreachableError(`no answer to TOKEN=${SECRET}`),
    );
    expect(result.state.workloads['image/web']?.lastError).toBe('no answer to TOKEN=(secret)');
    expect(said).toContain('image/web: Failed: no answer to TOKEN=(secret)');
    for (const text of [written, JSON.stringify(result.events), ...lines])
      expect(text).not.toContain(SECRET.slice(0, 7));
  });

  it('a Swarm service the manager refuses, quoting the env: the same', async () => {
    const { result, lines, said, written } = await failedPass(new Error(`invalid env: TOKEN=${SECRET}`), 'swarm');
    expect(result.state.workloads['image/web']?.lastError).toBe('invalid env: TOKEN=(secret)');
    expect(said).toContain('image/web: Failed: invalid env: TOKEN=(secret)');
    for (const text of [written, JSON.stringify(result.events), ...lines])
      expect(text).not.toContain(SECRET.slice(0, 7));
  });
});
