import crypto from 'node:crypto';
import type { Notification, NotifyFormat } from '../api/notification.js';
import { severity } from '../reconcile/phase-notifications.js';
import type { Severity } from '../reconcile/phase-notifications.js';

/** What one POST carries: the exact body bytes (signed as they are) and the headers. */
export interface NotificationRequest {
  body: string;
  headers: Record<string, string>;
}

/** The header a receiver checks against its own HMAC-SHA256 of the body (`--notify-secret`). */
export const SIGNATURE_HEADER = 'X-Tinyforge-Signature';

/** Discord refuses a message over 2000 characters. */
const DISCORD_LIMIT = 2000;

/** The request for `n` in `format`, signed with `secret` when there is one. */
export function notificationRequest(n: Notification, format: NotifyFormat, secret?: string): NotificationRequest {
  const { body, headers } = FORMATS[format](n);
  const signed: Record<string, string> = secret === undefined ? {} : { [SIGNATURE_HEADER]: signature(body, secret) };
  return { body, headers: { 'User-Agent': 'tinyforge', ...headers, ...signed } };
}

/** `sha256=<hex HMAC-SHA256 of the body's UTF-8 bytes keyed by secret>`. */
export function signature(body: string, secret: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

const JSON_TYPE = { 'Content-Type': 'application/json' };

const FORMATS: Record<NotifyFormat, (n: Notification) => NotificationRequest> = {
  // DESIGN section 8, these keys in this order.
  json: (n) => ({
    body: JSON.stringify({
      controller: n.controller,
      workload: n.workload,
      phase: n.phase,
      previousPhase: n.previousPhase,
      reason: n.reason,
      message: n.message,
      revision: n.revision,
      at: n.at,
    }),
    headers: JSON_TYPE,
  }),
  // Slack's incoming webhooks.
  slack: (n) => ({ body: JSON.stringify({ text: `${title(n)}\n${detail(n)}` }), headers: JSON_TYPE }),
  discord: (n) => ({
    body: JSON.stringify({ content: `${title(n)}\n${detail(n)}`.slice(0, DISCORD_LIMIT) }),
    headers: JSON_TYPE,
  }),
  // ntfy's publish API: the message is the body, the rest are headers (ASCII: names and phases only).
  ntfy: (n) => ({
    body: detail(n),
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      Title: title(n),
      Priority: severity(n) === 'good' ? 'default' : 'high',
      Tags: NTFY_TAGS[severity(n)],
    },
  }),
};

/** ntfy's emoji tag for each severity. */
const NTFY_TAGS: Record<Severity, string> = {
  good: 'white_check_mark',
  warning: 'warning',
  critical: 'rotating_light',
};

/** `tinyforge default: image/web is Degraded (was Ready)`, or what Docker did. */
function title(n: Notification): string {
  const who = `tinyforge ${n.controller}`;
  if (n.workload === null)
    return `${who}: ${severity(n) === 'good' ? 'Docker is reachable again' : 'Docker is unreachable'}`;
  return `${who}: ${n.workload} is ${n.phase}${n.previousPhase ? ` (was ${n.previousPhase})` : ''}`;
}

/** `CrashLoop: restart budget used up …`, with the revision when there is one. */
function detail(n: Notification): string {
  return `${n.reason}: ${n.message}${n.revision ? ` (revision ${n.revision.slice(0, 12)})` : ''}`;
}
