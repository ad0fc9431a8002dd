import { describe, expect, it } from 'vitest';
import { CONTROLLER_OPTIONS, controllerFlags } from '../../src/cli/controller-flags.js';
import { UsageError } from '../../src/cli/errors.js';
import { parseCommandArgs } from '../../src/cli/parse-command-args.js';

describe('run and plan flags', () => {
  const parse = (...argv: string[]) => controllerFlags(parseCommandArgs('run', argv, CONTROLLER_OPTIONS).values);

  it('default to the documented values', () => {
    const { config } = parse();
    expect(config).toMatchObject({
      manifests: 'manifests',
      state: '.tinyforge/state.json',
      name: 'default',
      concurrency: 4,
      routes: 'none',
      portRange: { first: 20000, last: 29999 },
    });
    expect(config.caddy).toEqual({ admin: 'http://127.0.0.1:2019', server: 'tinyforge', listen: ':80' });
    expect(parse().eventSilenceMs).toBe(30_000);
  });

  it('write an IPv6 listen address in brackets, as Caddy reads it, and other hosts as given', () => {
    expect(parse('--caddy-listen', '[::1]:8080').config.caddy.listen).toBe('[::1]:8080');
    expect(parse('--caddy-listen', '[::]:80').config.caddy.listen).toBe('[::]:80');
    expect(parse('--caddy-listen', 'localhost:80').config.caddy.listen).toBe('localhost:80');
  });

  it("take how long Docker's event stream may stay silent", () => {
    expect(parse('--event-silence', '2s').eventSilenceMs).toBe(2000);
  });

  it('take a port range for Project slots and the Caddy route provider', () => {
    const { config } = parse(
      '--port-range',
      '27000-27099',
      '--routes',
      'caddy',
      '--caddy-admin',
      'http://127.0.0.1:3019',
      '--caddy-server',
      'srv0',
      '--caddy-listen',
      '127.0.0.1:8080',
    );
    expect(config).toMatchObject({
      routes: 'caddy',
      portRange: { first: 27000, last: 27099 },
      caddy: { admin: 'http://127.0.0.1:3019', server: 'srv0', listen: '127.0.0.1:8080' },
    });
  });

  it('refuse bad values as usage errors, naming the flag', () => {
    for (const [argv, flag] of [
      [['--port-range', '30000-20000'], '--port-range'],
      [['--port-range', '80-90'], '--port-range'],
      [['--port-range', 'many'], '--port-range'],
      [['--routes', 'nginx'], '--routes'],
      [['--caddy-admin', 'localhost:2019'], '--caddy-admin'],
      [['--caddy-server', 'a/b'], '--caddy-server'],
      [['--event-silence', 'soon'], '--event-silence'],
    ] as const) {
      expect(() => parse(...argv), argv.join(' ')).toThrow(UsageError);
      expect(() => parse(...argv), argv.join(' ')).toThrow(flag);
    }
  });
});
