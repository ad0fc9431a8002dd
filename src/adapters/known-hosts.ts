import { createHash, createHmac } from 'node:crypto';

/** One usable line of a known_hosts file: its host patterns, key type and key blob (the SSH wire form). */
export type KnownHost = {
  file: string;
  line: number;
  patterns: string[];
  hashed: boolean;
  revoked: boolean;
  type: string;
  key: Buffer;
};

/** What known_hosts says of the key a host presented, as OpenSSH decides it. */
export type HostKeyVerdict =
  | { known: true }
  | { known: false; reason: 'unknown' | 'changed' | 'revoked'; where?: string };

/**
 * The lines of a known_hosts text that can vouch for a key: plain or hashed (`|1|salt|hash`)
 * host patterns, `@revoked` markers. `@cert-authority` lines and lines that do not parse
 * are left out: tinyforge does not check host certificates.
 */
export function parseKnownHosts(text: string, file: string): KnownHost[] {
  return text.split('\n').flatMap((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return [];
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    if (marker !== undefined && marker !== '@revoked') return [];
    const [hosts, type, base64] = fields;
    if (hosts === undefined || type === undefined || base64 === undefined) return [];
    const key = Buffer.from(base64, 'base64');
    if (key.length === 0) return [];
    const hashed = hosts.startsWith('|1|');
    return [{ file, line: index + 1, patterns: hosts.split(','), hashed, revoked: marker === '@revoked', type, key }];
  });
}

/** The name known_hosts files use for a host and port: `host`, or `[host]:port` off port 22. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Whether a line names `name`: a hashed entry by its HMAC, else by its (negatable, `*`/`?`) patterns. */
export function lineNames(entry: KnownHost, name: string): boolean {
  if (entry.hashed) return entry.patterns.some((pattern) => hashedNames(pattern, name));
  let matched = false;
  for (const pattern of entry.patterns) {
    const negated = pattern.startsWith('!');
    if (!globMatches(negated ? pattern.slice(1) : pattern, name.toLowerCase())) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function hashedNames(pattern: string, name: string): boolean {
  const [, , salt, hash] = pattern.split('|');
  if (salt === undefined || hash === undefined) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

function globMatches(pattern: string, name: string): boolean {
  const source = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(name);
}

/** The (not revoked) lines that name `host:port`. */
export function linesFor(entries: KnownHost[], host: string, port: number): KnownHost[] {
  const name = knownHostName(host, port);
  return entries.filter((entry) => !entry.revoked && lineNames(entry, name));
}

/**
 * Checks the key `key` (wire form) that `host:port` presented against known_hosts lines:
 * known when a line for that host holds this very key and no `@revoked` line names it;
 * `changed` when lines for the host hold other keys (OpenSSH's "REMOTE HOST IDENTIFICATION
 * HAS CHANGED"), `unknown` when no line names the host.
 */
export function verifyHostKey(entries: KnownHost[], host: string, port: number, key: Buffer): HostKeyVerdict {
  const revoked = entries.find((entry) => entry.revoked && entry.key.equals(key));
  const forHost = linesFor(entries, host, port);
  if (revoked) return { known: false, reason: 'revoked', where: lineOf(revoked) };
  if (forHost.some((entry) => entry.key.equals(key))) return { known: true };
  if (forHost.length === 0) return { known: false, reason: 'unknown' };
  return { known: false, reason: 'changed', where: lineOf(forHost[0]!) };
}

function lineOf(entry: KnownHost): string {
  return `${entry.file}:${entry.line}`;
}

/** A key's type (from its wire form) and its SHA256 fingerprint as `ssh-keygen -l` prints it. */
export function describeKey(key: Buffer): string {
  const typeLength = key.length >= 4 ? key.readUInt32BE(0) : 0;
  const type = key.subarray(4, 4 + typeLength).toString('latin1') || 'unknown';
  const fingerprint = createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
  return `${type} SHA256:${fingerprint}`;
}
