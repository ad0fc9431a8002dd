import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ParseKey, sshCredentials } from '../../src/adapters/ssh-credentials.js';

const fromModem = createRequire(
  createRequire(createRequire(import.meta.url).resolve('dockerode')).resolve('docker-modem'),
);
const { parseKey } = (fromModem('ssh2') as { utils: { parseKey: ParseKey } }).utils;

function homeWith(keys: Record<string, string>): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-ssh-home-'));
  fs.mkdirSync(path.join(home, '.ssh'));
  for (const [name, passphrase] of Object.entries(keys)) {
    const made = spawnSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      passphrase,
      '-f',
      path.join(home, '.ssh', name),
    ]);
    expect(made.status, String(made.stderr)).toBe(0);
  }
  return home;
}

describe('ssh credentials, as an ssh user expects them without a terminal', () => {
  it('offers the agent first, then the default key files in order; a key with a passphrase is skipped, said why', () => {
    const home = homeWith({ id_rsa: '', id_ecdsa: 'secret passphrase', id_ed25519: '' });
    const { methods, tried } = sshCredentials('deploy', home, '/run/agent.sock', parseKey);
    expect(methods.map((m) => (m.type === 'agent' ? m.agent : m.type))).toEqual([
      '/run/agent.sock',
      'publickey',
      'publickey',
    ]);
    expect(methods.every((m) => m.username === 'deploy')).toBe(true);
    expect(tried).toEqual([
      'the ssh agent (SSH_AUTH_SOCK)',
      '~/.ssh/id_ed25519',
      '~/.ssh/id_ecdsa (skipped: it needs a passphrase or is no private key; add it to ssh-agent)',
      '~/.ssh/id_rsa',
    ]);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('offers nothing without an agent or key files', () => {
    const home = homeWith({});
    expect(sshCredentials('deploy', home, undefined, parseKey)).toEqual({ methods: [], tried: [] });
    fs.rmSync(home, { recursive: true, force: true });
  });
});
