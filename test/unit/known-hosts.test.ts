import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeKey, knownHostName, parseKnownHosts, verifyHostKey } from '../../src/adapters/known-hosts.js';

/** A key blob in the SSH wire form: the type as a length-prefixed string, then some key bytes. */
function blob(type: string, fill: number): Buffer {
  const name = Buffer.from(type);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(name.length);
  return Buffer.concat([length, name, Buffer.alloc(32, fill)]);
}
const KEY = blob('ssh-ed25519', 1);
const OTHER = blob('ssh-ed25519', 2);
const line = (hosts: string, key: Buffer, marker = '') =>
  `${marker}${hosts} ssh-ed25519 ${key.toString('base64')} comment`;
function hashed(name: string): string {
  const salt = Buffer.alloc(20, 7);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}
const verify = (text: string, host: string, port: number, key = KEY) =>
  verifyHostKey(parseKnownHosts(text, '/home/u/.ssh/known_hosts'), host, port, key);

describe('known_hosts, as OpenSSH reads it', () => {
  it('names a host plainly on port 22 and as [host]:port elsewhere', () => {
    expect(knownHostName('example.com', 22)).toBe('example.com');
    expect(knownHostName('127.0.0.5', 2222)).toBe('[127.0.0.5]:2222');
    expect(verify(line('example.com,127.0.0.5', KEY), '127.0.0.5', 22)).toEqual({ known: true });
    expect(verify(line('[127.0.0.5]:2222', KEY), '127.0.0.5', 2222)).toEqual({ known: true });
    expect(verify(line('127.0.0.5', KEY), '127.0.0.5', 2222)).toMatchObject({ known: false, reason: 'unknown' });
  });

  it('matches hashed host names, wildcards and negations, case-insensitively', () => {
    expect(verify(line(hashed('[127.0.0.1]:2222'), KEY), '127.0.0.1', 2222)).toEqual({ known: true });
    expect(verify(line(hashed('127.0.0.1'), KEY), '127.0.0.1', 2222)).toMatchObject({ reason: 'unknown' });
    expect(verify(line('*.Example.com', KEY), 'web.example.com', 22)).toEqual({ known: true });
    expect(verify(line('*.example.com,!db.example.com', KEY), 'db.example.com', 22)).toMatchObject({
      reason: 'unknown',
    });
    expect(verify(line('web?.example.com', KEY), 'web1.example.com', 22)).toEqual({ known: true });
  });

  it('calls another key for a known host a change, naming the file and line', () => {
    const text = ['# a comment', '', line('example.com', OTHER)].join('\n');
    expect(verify(text, 'example.com', 22)).toEqual({
      known: false,
      reason: 'changed',
      where: '/home/u/.ssh/known_hosts:3',
    });
    expect(verify(`${text}\n${line('example.com', KEY)}`, 'example.com', 22)).toEqual({ known: true });
  });

  it('refuses a revoked key even where another line vouches for it; ignores cert-authority and broken lines', () => {
    const text = [line('example.com', KEY), line('*', KEY, '@revoked ')].join('\n');
    expect(verify(text, 'example.com', 22)).toMatchObject({ known: false, reason: 'revoked' });
    const ignored = [line('*', KEY, '@cert-authority '), 'example.com ssh-ed25519', 'garbage'].join('\n');
    expect(parseKnownHosts(ignored, 'f')).toEqual([]);
    expect(verify(ignored, 'example.com', 22)).toMatchObject({ reason: 'unknown' });
  });

  it('describes a key by its type and SHA256 fingerprint, as ssh-keygen -l does', () => {
    expect(describeKey(KEY)).toMatch(/^ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
