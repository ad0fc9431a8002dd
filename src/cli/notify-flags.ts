import { NOTIFY_FORMATS } from '../api/notification.js';
import type { NotifyConfig } from '../api/notification.js';
import { UsageError } from './errors.js';
import { choiceFlag } from './flag-values.js';

/** `--notify URL...`, its format and its signing secret (README: Notifications). */
export const NOTIFY_OPTIONS = {
  notify: { type: 'string', multiple: true },
  'notify-format': { type: 'string' },
  'notify-secret': { type: 'string' },
} as const;

export interface NotifyFlagValues {
  notify?: string[];
  'notify-format'?: string;
  'notify-secret'?: string;
}

export const NOTIFY_FLAGS_HELP = `  --notify URL           POST an event to URL (http or https; repeatable) when a workload turns
                         Degraded or Failed or returns to Ready, and when Docker goes or comes
                         back (run only, not --once)
  --notify-format F      json (default), slack, discord or ntfy: the body every URL gets
  --notify-secret S      sign each body: X-Tinyforge-Signature: sha256=<HMAC-SHA256 hex>
                         (default $TINYFORGE_NOTIFY_SECRET, which ps does not show)`;

/** Checks the notify flags (none given: undefined); a URL that is not http(s), or a format or secret without a URL, is a usage error. */
export function notifyFlags(values: NotifyFlagValues): NotifyConfig | undefined {
  const urls = [...new Set((values.notify ?? []).map(notifyUrl))];
  const format = choiceFlag(values['notify-format'] ?? 'json', '--notify-format', NOTIFY_FORMATS);
  // From the environment it stays out of `ps` (a systemd EnvironmentFile, say).
  const secret = values['notify-secret'] ?? (process.env['TINYFORGE_NOTIFY_SECRET'] || undefined);
  if (urls.length === 0) {
    const alone = ['notify-format', 'notify-secret'].find(
      (flag) => values[flag as keyof NotifyFlagValues] !== undefined,
    );
    if (alone) throw new UsageError(`--${alone} needs --notify URL`);
    return undefined;
  }
  if (secret !== undefined && secret.trim() === '') throw new UsageError('--notify-secret must not be empty');
  return { urls, format, ...(secret !== undefined ? { secret } : {}) };
}

/**
 * An absolute http(s) URL with a host, whose `user:password@` (sent as Basic
 * authentication) decodes. Its path, query and credentials may hold a webhook's token: a
 * refusal names the scheme only, never the rest.
 */
function notifyUrl(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.hash === '') {
    if (decodes(url.username) && decodes(url.password)) return url.href;
    throw new UsageError(
      `--notify's user:password must be percent-encoded (%XX, as in p%40ss for p@ss) (got a URL with scheme ${url.protocol})`,
    );
  }
  const got = url ? `a URL with scheme ${url.protocol}${url.hash ? ' and a #fragment' : ''}` : 'no URL';
  throw new UsageError(
    `--notify must be an http:// or https:// URL such as https://hooks.example.com/tinyforge (got ${got})`,
  );
}

/** Whether a URL's user or password decodes, as the POST does to send it as Basic authentication. */
function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}
