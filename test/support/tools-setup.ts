import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The programs the tests drive beside Docker (git, tmux, zsh, sshd, systemd-analyze,
 * curl), installed from Debian's packages when missing, as .ci/run does: `npm test` on
 * a fresh machine runs the whole suite. Nothing is done when all are there.
 */
export default function setup(): void {
  execFileSync('bash', [path.resolve(import.meta.dirname, 'test-tools.sh')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
