import { describe, expect, it } from 'vitest';
import { DockerEventLines } from '../../src/adapters/docker-event-lines.js';
import { Label } from '../../src/api/labels.js';

const attributes = (workload: string) => ({
  [Label.managed]: 'true',
  [Label.controller]: 'edge',
  [Label.workloadId]: workload,
});
const line = (workload: string, time: number, action = 'die') =>
  `${JSON.stringify({ Type: 'container', Action: action, time, Actor: { ID: 'c1', Attributes: attributes(workload) } })}\n`;

function reader() {
  const reports: string[] = [];
  return { reports, lines: new DockerEventLines('edge', (what) => reports.push(what)) };
}

describe('the Docker event stream, chunk by chunk', () => {
  it('reassembles an event split across chunks, even inside a UTF-8 character', () => {
    const { reports, lines } = reader();
    // Ids are ASCII; a multi-byte character shows that no byte is lost or mangled at a cut.
    const bytes = Buffer.from(line('image/☕', 1));
    const cut = bytes.indexOf(Buffer.from('☕')) + 1;
    expect(lines.push(bytes.subarray(0, 10))).toEqual([]);
    expect(lines.push(bytes.subarray(10, cut))).toEqual([]);
    expect(lines.push(bytes.subarray(cut))).toEqual([{ time: 1, workload: { id: 'image/☕', action: 'die' } }]);
    expect(reports).toEqual([]);
  });

  it('reads several events in one chunk, in order, keeping a partial one for the next', () => {
    const { lines } = reader();
    const third = line('stack/app', 3, 'start');
    const chunk = Buffer.from(line('image/web', 1) + line('image/api', 2, 'oom') + third.slice(0, 25));
    expect(lines.push(chunk).map((n) => [n.time, n.workload?.id, n.workload?.action])).toEqual([
      [1, 'image/web', 'die'],
      [2, 'image/api', 'oom'],
    ]);
    expect(lines.push(Buffer.from(third.slice(25)))).toEqual([
      { time: 3, workload: { id: 'stack/app', action: 'start' } },
    ]);
  });

  it('skips garbage lines, reports the first once, and goes on reading', () => {
    const { reports, lines } = reader();
    const chunk = `not json at all\n${line('image/web', 1)}{"truncated": \n${'x'.repeat(200)}\n${line('image/api', 2)}`;
    expect(lines.push(Buffer.from(chunk)).map((n) => n.workload?.id)).toEqual(['image/web', 'image/api']);
    expect(reports).toEqual(['"not json at all"']);
    expect(lines.push(Buffer.from(`null\n${line('image/db', 3)}`)).map((n) => n.workload?.id)).toEqual(['image/db']);
    expect(reports).toHaveLength(1);
  });

  it('drops a line that never ends before it fills the memory, and still reads the next', () => {
    const { reports, lines } = reader();
    const mebibyte = 'y'.repeat(1024 * 1024);
    expect(lines.push(Buffer.from(mebibyte))).toEqual([]);
    expect(lines.push(Buffer.from('yy'))).toEqual([]);
    expect(reports).toEqual(['a line of over 1048576 bytes']);
    expect(lines.push(Buffer.from(`tail of it\n${line('image/web', 4)}`)).map((n) => n.time)).toEqual([4]);
  });
});
