import fs from 'node:fs';
import path from 'node:path';

/** The key files OpenSSH offers by default, in its order (DSA left out: modern servers refuse it). */
export const DEFAULT_KEY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** One way to prove who we are, in ssh2's authHandler form. */
export type SshAuth =
  | { type: 'agent'; username: string; agent: string }
  | { type: 'publickey'; username: string; key: Buffer };

/** Reads a private key; returns an Error when it needs a passphrase or is no key (ssh2's utils.parseKey). */
export type ParseKey = (key: Buffer) => unknown;

/**
 * How tinyforge authenticates, as an ssh user expects without a terminal to type into:
 * the ssh agent when SSH_AUTH_SOCK is set, then each default key file of ~/.ssh that
 * exists and needs no passphrase (a key with a passphrase belongs in the agent).
 * `tried` names them for an error message (never the environment's values).
 */
export function sshCredentials(
  username: string,
  home: string,
  agentSocket: string | undefined,
  parseKey: ParseKey,
): { methods: SshAuth[]; tried: string[] } {
  const methods: SshAuth[] = [];
  const tried: string[] = [];
  if (agentSocket) {
    methods.push({ type: 'agent', username, agent: agentSocket });
    tried.push('the ssh agent (SSH_AUTH_SOCK)');
  }
  for (const name of DEFAULT_KEY_FILES) {
    const file = path.join(home, '.ssh', name);
    let key: Buffer;
    try {
      key = fs.readFileSync(file);
    } catch {
      continue;
    }
    if (parseKey(key) instanceof Error) {
      tried.push(`~/.ssh/${name} (skipped: it needs a passphrase or is no private key; add it to ssh-agent)`);
      continue;
    }
    methods.push({ type: 'publickey', username, key });
    tried.push(`~/.ssh/${name}`);
  }
  return { methods, tried };
}
