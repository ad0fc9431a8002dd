import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { isLoopbackHost, WEB_TOKEN_ENV, webTokenFlag } from '../../src/cli/web-token-flag.js';
import { runCli } from '../support/run-cli.js';

const TOKEN = 'a-token-of-24-characters';

describe('--web-token and the loopback rule of --health-addr', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('counts 127.0.0.0/8, ::1 and localhost as loopback, anything else not', () => {
    for (const host of [
      '',
      '127.0.0.1',
      '127.0.0.2',
      '127.255.0.9',
      'localhost',
      '::1',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
    ])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '192.0.2.1', '128.0.0.1', '::', '::2', 'example.org', 'localhost.example.org'])
      expect(isLoopbackHost(host), host).toBe(false);
  });

  it('lets a loopback address go without a token, refuses any other without one', () => {
    vi.stubEnv(WEB_TOKEN_ENV, '');
    expect(webTokenFlag(undefined, { host: '127.0.0.1', port: 9090 })).toBeUndefined();
    expect(webTokenFlag(undefined, undefined)).toBeUndefined();
    expect(() => webTokenFlag(undefined, { host: '0.0.0.0', port: 9090 })).toThrow(UsageError);
    expect(() => webTokenFlag(undefined, { host: '0.0.0.0', port: 9090 })).toThrow(
      /non-loopback address needs --web-token/,
    );
    expect(webTokenFlag(TOKEN, { host: '0.0.0.0', port: 9090 })).toBe(TOKEN);
  });

  it('takes the token from the environment when the flag is not given, the flag first', () => {
    vi.stubEnv(WEB_TOKEN_ENV, 'token-from-the-environment');
    expect(webTokenFlag(undefined, { host: '0.0.0.0', port: 9090 })).toBe('token-from-the-environment');
    expect(webTokenFlag(TOKEN, { host: '0.0.0.0', port: 9090 })).toBe(TOKEN);
  });

  it('refuses a short token or one with spaces, naming where it came from, without echoing it', () => {
    const health = { host: '127.0.0.1', port: 9090 };
    expect(() => webTokenFlag('short', health)).toThrow('--web-token must be at least 16 printable ASCII characters');
    vi.stubEnv(WEB_TOKEN_ENV, 'sixteen chars with spaces');
    expect(() => webTokenFlag(undefined, health)).toThrow(`${WEB_TOKEN_ENV} must be at least 16`);
    expect(() => webTokenFlag(undefined, health)).not.toThrow(/sixteen/);
  });

  it('without --health-addr: the flag is a usage error, the environment is not read', () => {
    expect(() => webTokenFlag(TOKEN, undefined)).toThrow('--web-token needs --health-addr');
    vi.stubEnv(WEB_TOKEN_ENV, 'short');
    expect(webTokenFlag(undefined, undefined)).toBeUndefined();
  });

  it('is a usage error of `run` (exit 2) before anything is opened', () => {
    const result = runCli(['run', '--health-addr', '0.0.0.0:9090', '--docker-host', 'unix:///nonexistent.sock'], {
      env: { [WEB_TOKEN_ENV]: '' },
      timeoutMs: 10_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--health-addr 0.0.0.0: a non-loopback address needs --web-token');
  });
});
