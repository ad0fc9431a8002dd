import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseStartTime, procFacts } from '../../src/adapters/process-facts.js';
import { makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

/** A /proc/PID/stat line: `comm` in parentheses, then fields 3 to 52 with field 22 (the start time) set. */
function statLine(comm: string, startTime: string): string {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  fields[0] = 'S';
  fields[22 - 3] = startTime;
  return `4242 (${comm}) ${fields.join(' ')}\n`;
}

describe('what /proc says about a process', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('finds the start time after the last parenthesis, whatever the command name holds', () => {
    expect(parseStartTime(statLine('node', '123456'))).toBe('123456');
    expect(parseStartTime(statLine('tiny forge', '77'))).toBe('77');
    expect(parseStartTime(statLine('a) 1 2 (b', '88'))).toBe('88');
    expect(parseStartTime(statLine(') ) )', '99'))).toBe('99');
    expect(parseStartTime('')).toBeUndefined();
    expect(parseStartTime('4242 (cut) S 1 2')).toBeUndefined();
  });

  it('reads the boot id, a start time and a command line from a /proc folder', () => {
    dir = makeFixtureDir({
      'sys/kernel/random/boot_id': 'dc244c4f-0cb6-4123-bcf2-9ea428c3bd5c\n',
      '4242/stat': statLine('node', '5150'),
      '4242/cmdline': 'node\0/usr/lib/tinyforge/dist/main.js\0run\0',
    });
    const facts = procFacts(dir);
    expect(facts.bootId()).toBe('dc244c4f-0cb6-4123-bcf2-9ea428c3bd5c');
    expect(facts.startTime(4242)).toBe('5150');
    expect(facts.commandLine(4242)).toEqual(['node', '/usr/lib/tinyforge/dist/main.js', 'run']);
    expect(facts.startTime(4243)).toBeUndefined();
    expect(facts.commandLine(4243)).toBeUndefined();
  });

  it('answers undefined where there is no /proc, and still knows the host and whether a pid is alive', () => {
    const facts = procFacts(path.join(import.meta.dirname, 'no-such-proc'));
    expect(facts.bootId()).toBeUndefined();
    expect(facts.startTime(process.pid)).toBeUndefined();
    expect(facts.commandLine(process.pid)).toBeUndefined();
    expect(facts.host()).not.toBe('');
    expect(facts.alive(process.pid)).toBe(true);
    expect(facts.alive(2 ** 22 + 7)).toBe(false);
  });
});
