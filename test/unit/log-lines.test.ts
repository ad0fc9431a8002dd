import { describe, expect, it } from 'vitest';
import { LineSplitter, formatLine, mergeByTime, targetLabel, timeKey } from '../../src/cli/log-lines.js';

const bytes = (text: string) => Buffer.from(text);

describe('cutting a container log into lines', () => {
  it('keeps a line without its newline until the rest comes, and hands it on at the end', () => {
    const split = new LineSplitter();
    expect(split.push(bytes('2026-12-06T07:00:00.1Z hel'))).toEqual([]);
    expect(split.push(bytes('lo\n2026-12-06T07:00:00.2Z second\n2026-12-06T07:00:00.3Z par'))).toEqual([
      { at: '2026-12-06T07:00:00.1Z', text: 'hello' },
      { at: '2026-12-06T07:00:00.2Z', text: 'second' },
    ]);
    expect(split.flush()).toEqual([{ at: '2026-12-06T07:00:00.3Z', text: 'par' }]);
    expect(split.flush()).toEqual([]);
  });

  it('joins a character the engine split between two chunks', () => {
    const split = new LineSplitter();
    const text = bytes('2026-12-06T07:00:00Z café\n');
    const cut = text.length - 2;
    expect([...split.push(text.subarray(0, cut)), ...split.push(text.subarray(cut))]).toEqual([
      { at: '2026-12-06T07:00:00Z', text: 'café' },
    ]);
  });

  it('takes a line without a timestamp as it is', () => {
    expect(new LineSplitter().push(bytes('plain text\n'))).toEqual([{ at: '', text: 'plain text' }]);
  });
});

describe('lines of several containers', () => {
  it('sorts Docker timestamps in time order although Docker trims trailing zeros', () => {
    expect(timeKey('2026-12-06T07:00:00.5Z') > timeKey('2026-12-06T07:00:00.25Z')).toBe(true);
    expect(timeKey('2026-12-06T07:00:01Z') > timeKey('2026-12-06T07:00:00.999999999Z')).toBe(true);
  });

  it('interleaves by time, keeping the order of lines of the same instant', () => {
    const line = (at: string, text: string, label: string) => ({ line: { at, text }, label });
    const merged = mergeByTime([
      line('2026-12-06T07:00:00.3Z', 'a2', 'a'),
      line('2026-12-06T07:00:00.1Z', 'a1', 'a'),
      line('2026-12-06T07:00:00.2Z', 'b1', 'b'),
      line('2026-12-06T07:00:00.2Z', 'b2', 'b'),
    ]);
    expect(merged.map((m) => m.line.text)).toEqual(['a1', 'b1', 'b2', 'a2']);
  });

  it('names a container like docker compose: role-replica, and the slot of a Project', () => {
    expect(targetLabel({ role: 'image', replica: 2, slot: null })).toBe('image-2');
    expect(targetLabel({ role: 'production', replica: 1, slot: 'blue' })).toBe('production-1-blue');
    const line = { at: '2026-12-06T07:00:00Z', text: 'hello' };
    expect(formatLine(line, 'image-2', false)).toBe('image-2 | hello');
    expect(formatLine(line, undefined, false)).toBe('hello');
    expect(formatLine(line, 'image-2', true)).toBe('image-2 | 2026-12-06T07:00:00Z hello');
  });
});
