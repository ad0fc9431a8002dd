import { describe, expect, it } from 'vitest';
import { LogSession } from '../../src/cli/log-session.js';
import { FakeLogs, target } from '../support/fake-logs.js';

function session(logs: FakeLogs, labelled = true) {
  const printed: string[] = [];
  return { printed, session: new LogSession(logs, { labelled, timestamps: false, print: (t) => printed.push(t) }) };
}

describe('printing the logs of a workload (no follow)', () => {
  it('interleaves the lines of several containers in time order, each with its container, stderr too', async () => {
    const logs = new FakeLogs();
    logs.history.set('a', '2026-12-06T07:00:00.1Z hello from 1\n2026-12-06T07:00:00.3Z later on 1\n');
    logs.history.set('b', '2026-12-06T07:00:00.2Z hello from 2\n2026-12-06T07:00:00.4Z no newline');
    const { printed, session: s } = session(logs);
    await s.printAll([target('a', 1), target('b', 2)], { follow: false, tail: 5 });
    expect(printed).toEqual([
      'image-1 | hello from 1',
      'image-2 | hello from 2',
      'image-1 | later on 1',
      'image-2 | no newline',
    ]);
    expect(logs.streams.map((s) => s.options)).toEqual([
      { follow: false, tail: 5 },
      { follow: false, tail: 5 },
    ]);
  });

  it('prints one container without a prefix', async () => {
    const logs = new FakeLogs();
    logs.history.set('a', '2026-12-06T07:00:00.1Z hello\n');
    const { printed, session: s } = session(logs, false);
    await s.printAll([target('a', 1)], { follow: false });
    expect(printed).toEqual(['hello']);
  });
});

describe('following the logs of a workload', () => {
  it('prints whole lines as they come, stdout and stderr cut apart', async () => {
    const logs = new FakeLogs();
    const { printed, session: s } = session(logs);
    await s.follow([target('a', 1), target('b', 2)], { follow: true });
    const [one, two] = logs.streams;
    one!.write('2026-12-06T07:00:00.1Z out of 1, part');
    one!.write('2026-12-06T07:00:00.2Z err of 1\n', 'stderr');
    two!.write('2026-12-06T07:00:00.3Z out of 2\n');
    one!.write(' two\n');
    expect(printed).toEqual(['image-1 | err of 1', 'image-2 | out of 2', 'image-1 | out of 1, part two']);
  });

  it('follows a container once; one that restarted in place again, from its last line on, without repeats', async () => {
    const logs = new FakeLogs();
    const { printed, session: s } = session(logs, false);
    await s.follow([target('a', 1)], { follow: true, tail: 10 });
    await s.follow([target('a', 1)], { follow: true, tail: 10 });
    expect(logs.streams).toHaveLength(1);
    logs.streams[0]!.write('2026-12-06T07:00:05.5Z before the stop\n');
    logs.streams[0]!.end();
    await Promise.resolve();
    // Stopped: not read again until it runs again.
    await s.follow([target('a', 1, { state: 'exited' })], { follow: true });
    expect(logs.streams).toHaveLength(1);
    await s.follow([target('a', 1)], { follow: true, tail: 10 });
    const again = logs.streams[1]!;
    expect(again.options).toEqual({ follow: true, sinceSeconds: Date.parse('2026-12-06T07:00:05Z') / 1000 });
    again.write('2026-12-06T07:00:05.5Z before the stop\n2026-12-06T07:00:07Z after the start\n');
    expect(printed).toEqual(['before the stop', 'after the start']);
  });

  it('reads a container that joins already stopped once, to its end', async () => {
    const logs = new FakeLogs();
    const { session: s } = session(logs);
    await s.follow([target('a', 1, { state: 'exited' })], { follow: true });
    logs.streams[0]!.end();
    await Promise.resolve();
    await s.follow([target('a', 1, { state: 'exited' })], { follow: true });
    expect(logs.streams).toHaveLength(1);
  });

  it('close ends every stream being followed', async () => {
    const logs = new FakeLogs();
    const { session: s } = session(logs);
    await s.follow([target('a', 1), target('b', 2)], { follow: true });
    s.close();
    expect(logs.streams.map((x) => x.closed)).toEqual([true, true]);
  });
});
