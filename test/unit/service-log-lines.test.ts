import { describe, expect, it } from 'vitest';
import { logQuery } from '../../src/adapters/container-logs.js';
import { parseServiceLine, slotSink } from '../../src/adapters/service-log-lines.js';
import type { TaskSlots } from '../../src/adapters/service-log-lines.js';
import type { LogChunk } from '../../src/api/container-log.js';
import type { ObservedTask } from '../../src/api/observed-service.js';
import { followFromNow, slotTargets } from '../../src/app-service-logs.js';

const AT = '2026-12-06T10:25:45.627838400Z';
const line = (task: string, text: string) =>
  `${AT} com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=${task} ${text}\n`;

/** A sink that keeps what it was handed, as text per stream. */
function kept() {
  const chunks: LogChunk[] = [];
  let ended = 0;
  return {
    sink: { chunk: (c: LogChunk) => chunks.push(c), end: () => ended++ },
    text: (stream = 'stdout') =>
      chunks
        .filter((c) => c.stream === stream)
        .map((c) => c.data.toString())
        .join(''),
    ended: () => ended,
  };
}

function slots(known: Record<string, number>, later: Record<string, number> = {}): TaskSlots & { refreshed: number } {
  const map = new Map(Object.entries(known));
  const tasks = {
    refreshed: 0,
    slotOf: (id: string) => map.get(id),
    refresh: async () => {
      tasks.refreshed++;
      for (const [id, slot] of Object.entries(later)) map.set(id, slot);
    },
  };
  return tasks;
}

describe('a Swarm service log cut apart by slot', () => {
  it('reads the timestamp, the task and the text of a line with details', () => {
    expect(parseServiceLine(line('t1', 'tick 1 of 2').trimEnd())).toEqual({
      at: AT,
      taskId: 't1',
      text: 'tick 1 of 2',
    });
    expect(parseServiceLine(`${AT} com.docker.swarm.task.id=t1 `)).toEqual({ at: AT, taskId: 't1', text: '' });
    expect(parseServiceLine(`${AT} hello world`)).toBeUndefined();
  });

  it("hands on one slot's lines as a container's log has them, stdout and stderr apart, lines split across chunks", () => {
    const out = kept();
    const sink = slotSink(2, slots({ t1: 1, t2: 2 }), out.sink);
    const both = line('t1', 'one') + line('t2', 'two');
    sink.chunk({ stream: 'stdout', data: Buffer.from(both.slice(0, 100)) });
    sink.chunk({ stream: 'stdout', data: Buffer.from(both.slice(100)) });
    sink.chunk({ stream: 'stderr', data: Buffer.from(line('t2', 'oops').trimEnd()) });
    expect(out.text()).toBe(`${AT} two\n`);
    expect(out.text('stderr')).toBe('');
    sink.end();
    expect(out.text('stderr')).toBe(`${AT} oops\n`);
    expect(out.ended()).toBe(1);
  });

  it('holds the lines of a task it does not know, in order, until the tasks are listed again', async () => {
    const out = kept();
    const tasks = slots({ t1: 1 }, { t3: 1, t4: 2 });
    const sink = slotSink(1, tasks, out.sink);
    sink.chunk({ stream: 'stdout', data: Buffer.from(line('t3', 'new') + line('t1', 'old') + line('t4', 'other')) });
    expect(out.text()).toBe('');
    await Promise.resolve();
    await Promise.resolve();
    expect(tasks.refreshed).toBe(1);
    expect(out.text()).toBe(`${AT} new\n${AT} old\n`);
  });

  it('leaves out, at the end, the lines of a task still unknown', () => {
    const out = kept();
    const sink = slotSink(1, slots({ t1: 1 }), out.sink);
    sink.chunk({ stream: 'stdout', data: Buffer.from(line('gone', 'lost') + line('t1', 'kept')) });
    sink.end();
    expect(out.text()).toBe(`${AT} kept\n`);
  });

  it('names one target per slot that has a task, running when its newest task runs', () => {
    const task = (id: string, slot: number, created: number, state: string, serviceId = 's1'): ObservedTask => ({
      id,
      serviceId,
      slot,
      created,
      state,
      nodeId: null,
      desiredState: 'running',
      message: '',
      containerId: null,
      ports: [],
    });
    const tasks = [task('a', 2, 5, 'running'), task('b', 1, 5, 'failed'), task('c', 1, 9, 'running')];
    expect(slotTargets('s1', 'web', [...tasks, task('d', 3, 1, 'running', 's2')])).toEqual([
      { containerId: 's1.1', role: 'web', replica: 1, slot: null, state: 'running' },
      { containerId: 's1.2', role: 'web', replica: 2, slot: null, state: 'running' },
    ]);
    expect(slotTargets('s1', 'web', [task('b', 1, 5, 'failed')])[0]!.state).toBe('exited');
  });

  it('asks the engine for timestamped stdout and stderr, following, from a time, the last N lines', () => {
    expect(logQuery({ follow: false })).toEqual({
      stdout: true,
      stderr: true,
      timestamps: true,
      follow: false,
      tail: 'all',
    });
    expect(logQuery({ follow: true, tail: 0, sinceSeconds: 1.5 })).toMatchObject({
      follow: true,
      tail: '0',
      since: '1.500',
    });
  });

  it('follows with --tail 0 from now on, so a task that starts later shows its first lines', () => {
    expect(followFromNow({ follow: true, tail: 0 }, 1_500)).toEqual({ follow: true, sinceSeconds: 1.5 });
    for (const options of [
      { follow: false, tail: 0 },
      { follow: true, tail: 2 },
      { follow: true, tail: 0, sinceSeconds: 1 },
    ])
      expect(followFromNow(options, 1_500)).toBe(options);
  });
});
