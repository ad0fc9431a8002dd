import { describe, expect, it } from 'vitest';
import { PassReporter } from '../../src/adapters/pass-reporter.js';
import { controllerLog, logLine } from '../../src/cli/controller-log.js';
import type { LogFormat } from '../../src/cli/controller-log.js';

const AT = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));

/** The long-running controller's log: every line stamped with its time (RFC 3339 UTC, ms) and level. */
describe("the controller's log lines", () => {
  it('text: time, level padded to one width, then the words', () => {
    expect(logLine('text', AT, 'info', 'stopped')).toBe('2026-01-02T03:04:05.006Z info  stopped');
    expect(logLine('text', AT, 'warn', 'w')).toBe('2026-01-02T03:04:05.006Z warn  w');
    expect(logLine('text', AT, 'error', 'e', { workload: 'image/web' })).toBe('2026-01-02T03:04:05.006Z error e');
    expect(logLine('text', AT, 'error', 'first\nsecond')).toBe(
      '2026-01-02T03:04:05.006Z error first\n2026-01-02T03:04:05.006Z error second',
    );
  });

  it('json: one object a line, time, level and msg first, then the fields', () => {
    const line = logLine('json', AT, 'warn', 'image/web: Failed: "boom"\nnext', { workload: 'image/web', line: 3 });
    expect(line).not.toContain('\n');
    expect(line.startsWith('{"time":"2026-01-02T03:04:05.006Z","level":"warn","msg":')).toBe(true);
    expect(JSON.parse(line)).toEqual({
      time: '2026-01-02T03:04:05.006Z',
      level: 'warn',
      msg: 'image/web: Failed: "boom"\nnext',
      workload: 'image/web',
      line: 3,
    });
  });

  const captured = (format: LogFormat) => {
    const out: string[] = [];
    const err: string[] = [];
    const log = controllerLog({ out: (l) => out.push(l), err: (l) => err.push(l) }, format, () => AT);
    return { out, err, log };
  };

  it("a pass's plan lines go to stdout at info, the rest to stderr at their level", () => {
    const { out, err, log } = captured('text');
    log.out('+ create image/web#1: new replica');
    log.err('Docker is unreachable: connect ENOENT', 'error');
    expect(out).toEqual(['2026-01-02T03:04:05.006Z info  + create image/web#1: new replica']);
    expect(err).toEqual(['2026-01-02T03:04:05.006Z error Docker is unreachable: connect ENOENT']);
  });

  it('json: what the pass reporter says comes out as parseable lines with the workload and reason as fields', () => {
    const { out, err, log } = captured('json');
    const reporter = new PassReporter(log, () => 0);
    reporter.pass(
      {
        state: { controller: { docker: { lastError: null } }, workloads: {} },
        planLines: ['~ start image/web#1: container stopped (exited)'],
        events: [
          { at: '', type: 'Warning', workload: 'image/web', reason: 'Failed', message: 'no such image' },
          { at: '', type: 'Normal', workload: 'image/web', reason: 'Started', message: 'started' },
        ],
        plan: [],
        outcome: { dockerReachable: true, dockerCalls: 1 },
      } as never,
      'full',
    );
    reporter.write(new Error('cannot write the state file s.json: ENOSPC'));
    expect(out.map((l) => JSON.parse(l))).toEqual([
      { time: AT.toISOString(), level: 'info', msg: '~ start image/web#1: container stopped (exited)' },
    ]);
    expect(err.map((l) => JSON.parse(l))).toEqual([
      {
        time: AT.toISOString(),
        level: 'warn',
        msg: 'image/web: Failed: no such image',
        workload: 'image/web',
        reason: 'Failed',
      },
      { time: AT.toISOString(), level: 'error', msg: 'cannot write the state file s.json: ENOSPC; retrying' },
    ]);
  });
});
