import { describe, expect, it } from 'vitest';
import { CONTROLLER_OPTIONS, controllerFlags } from '../../src/cli/controller-flags.js';
import { UsageError } from '../../src/cli/errors.js';
import { parseCommandArgs } from '../../src/cli/parse-command-args.js';
import { runCli } from '../support/run-cli.js';

const parse = (...argv: string[]) => controllerFlags(parseCommandArgs('run', argv, CONTROLLER_OPTIONS).values).notify;

function refusal(...argv: string[]): string {
  try {
    parse(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
}

describe('the --notify flags', () => {
  it('none given: no notifications', () => {
    expect(parse()).toBeUndefined();
  });

  it('repeatable http(s) URLs (paths, queries and credentials kept), one format, a secret', () => {
    expect(
      parse(
        ...['--notify', 'https://hooks.slack.com/services/T0/B0/X', '--notify', 'http://u:p@127.0.0.1:8080/t?auth=1'],
        ...['--notify', 'https://hooks.slack.com/services/T0/B0/X', '--notify-format', 'ntfy', '--notify-secret', 's3'],
      ),
    ).toEqual({
      urls: ['https://hooks.slack.com/services/T0/B0/X', 'http://u:p@127.0.0.1:8080/t?auth=1'],
      format: 'ntfy',
      secret: 's3',
    });
    expect(parse('--notify', 'http://127.0.0.1:9/')).toEqual({ urls: ['http://127.0.0.1:9/'], format: 'json' });
  });

  it('refuses a URL that is not http(s), naming its scheme but never the rest of it', () => {
    const message = refusal('--notify', 'ftp://files.example/secret-token');
    expect(message).toBe(
      '--notify must be an http:// or https:// URL such as https://hooks.example.com/tinyforge (got a URL with scheme ftp:)',
    );
    expect(refusal('--notify', 'hooks.example/secret-token')).toContain('(got no URL)');
    expect(refusal('--notify', 'https://hooks.example/x#secret-token')).not.toContain('secret-token');
    for (const text of [message, refusal('--notify', 'hooks.example/secret-token')])
      expect(text).not.toContain('secret-token');
  });

  it('refuses a user:password with a bad percent-escape, which could not be sent, naming only the scheme', () => {
    for (const url of ['http://us%er:pw@127.0.0.1:1/secret-token', 'https://ops:p%zzss@hooks.example/x'])
      expect(refusal('--notify', url)).toBe(
        `--notify's user:password must be percent-encoded (%XX, as in p%40ss for p@ss) (got a URL with scheme ${new URL(url).protocol})`,
      );
    expect(parse('--notify', 'http://ops:p%40ss@127.0.0.1:1/')).toEqual({
      urls: ['http://ops:p%40ss@127.0.0.1:1/'],
      format: 'json',
    });
  });

  it('takes the secret from $TINYFORGE_NOTIFY_SECRET when the flag is not given', () => {
    const before = process.env['TINYFORGE_NOTIFY_SECRET'];
    process.env['TINYFORGE_NOTIFY_SECRET'] = 'from-env';
    try {
      expect(parse('--notify', 'http://127.0.0.1:9/')?.secret).toBe('from-env');
      expect(parse('--notify', 'http://127.0.0.1:9/', '--notify-secret', 'flag')?.secret).toBe('flag');
      expect(parse()).toBeUndefined();
    } finally {
      if (before === undefined) delete process.env['TINYFORGE_NOTIFY_SECRET'];
      else process.env['TINYFORGE_NOTIFY_SECRET'] = before;
    }
  });

  it('refuses an unknown format, a format or secret without a URL, and an empty secret', () => {
    expect(refusal('--notify', 'http://127.0.0.1:9/', '--notify-format', 'slak')).toContain('did you mean slack?');
    expect(refusal('--notify-format', 'slack')).toBe('--notify-format needs --notify URL');
    expect(refusal('--notify-secret', 'x')).toBe('--notify-secret needs --notify URL');
    expect(refusal('--notify', 'http://127.0.0.1:9/', '--notify-secret', ' ')).toBe(
      '--notify-secret must not be empty',
    );
  });

  it('run exits 2 on a bad URL and on --once (nothing would be delivered); run --help names the flags', () => {
    const bad = runCli(['run', '--notify', 'mailto:ops@example.com', '--docker-host', 'unix:///nonexistent.sock']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(
      'tinyforge: --notify must be an http:// or https:// URL such as https://hooks.example.com/tinyforge (got a URL with scheme mailto:)',
    );
    const once = runCli([
      'run',
      '--once',
      '--notify',
      'http://127.0.0.1:9/',
      '--docker-host',
      'unix:///nonexistent.sock',
    ]);
    expect(once.code).toBe(2);
    expect(once.stderr.trim()).toBe('tinyforge run: --notify is for the long-running controller: run without --once');
    const badEscape = runCli([
      'run',
      '--notify',
      'http://us%er:pw@127.0.0.1:1/',
      '--docker-host',
      'unix:///nonexistent.sock',
    ]);
    expect([badEscape.code, badEscape.stderr]).toEqual([
      2,
      expect.stringMatching(/user:password must be percent-encoded/),
    ]);
    const help = runCli(['run', '--help']).stdout;
    for (const flag of ['--notify URL', '--notify-format F', '--notify-secret S']) expect(help).toContain(flag);
    expect(runCli(['completion', 'bash']).stdout).toMatch(/run\) flags="[^"]*--notify --notify-format --notify-secret/);
  });
});
