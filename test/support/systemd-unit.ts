import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './run-cli.js';

/** deploy/: the systemd unit and its environment file, as shipped. */
export const UNIT_FILE = path.join(PROJECT_ROOT, 'deploy/tinyforge.service');
export const ENV_FILE = path.join(PROJECT_ROOT, 'deploy/tinyforge.env');

/** A unit file's `Key=value` settings (sections ignored; a key set twice keeps both values, in order). */
export function unitSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match) settings.set(match[1]!, [...(settings.get(match[1]!) ?? []), match[2]!]);
  }
  return settings;
}

/** An EnvironmentFile's `KEY=value` lines (no quotes in ours; `#` lines are comments). */
export function envFileValues(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}

/**
 * An `Exec*=` command line as systemd expands it: words split at spaces, `${NAME}` one
 * word, `$NAME` split at spaces into words (none when empty).
 */
export function expandCommand(line: string, env: Record<string, string>): string[] {
  // systemd's prefixes before the path (`-`: a failure is ignored, and the like) are not part of it.
  return line
    .replace(/^[-@:+!]+/, '')
    .split(/\s+/)
    .filter((word) => word !== '')
    .flatMap((word) => {
      const alone = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(word);
      if (alone) return (env[alone[1]!] ?? '').split(/\s+/).filter((w) => w !== '');
      return [word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => env[name] ?? '')];
    });
}

/** The unit's text with each of `paths` (an installed path) replaced by the test's stand-in. */
export function unitWithPaths(replacements: Record<string, string>): string {
  let text = fs.readFileSync(UNIT_FILE, 'utf8');
  for (const [from, to] of Object.entries(replacements)) text = text.replaceAll(from, to);
  return text;
}
