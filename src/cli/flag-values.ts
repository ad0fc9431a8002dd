import net from 'node:net';
import { parseDuration } from '../api/units.js';
import { closest } from '../api/closest.js';
import { UsageError } from './errors.js';

/**
 * Checks of flag values, one per kind of value, each answering the value or throwing a
 * one-line UsageError that names the flag and what it got. Every command checks its
 * flags here before it touches the state file or Docker.
 */

/** setTimeout's ceiling (about 596h): a longer delay would fire at once. */
const MAX_DELAY_MS = 2_147_483_647;

/** `500ms`, `10s`, `1m30s` -> milliseconds, above zero unless `zero` allows it. */
export function durationFlag(text: string, flag: string, options: { zero?: boolean } = {}): number {
  let ms: number;
  try {
    // A bare 0 needs no unit, as in Go's durations.
    ms = text === '0' ? 0 : parseDuration(text);
  } catch {
    ms = NaN;
  }
  if (!(ms >= (options.zero ? 0 : 1) && ms <= MAX_DELAY_MS)) {
    throw new UsageError(
      `${flag} must be a duration such as 500ms, 10s or 1m${options.zero ? '' : ', above zero'}, at most 596h (got ${JSON.stringify(text)})`,
    );
  }
  return ms;
}

/** A whole number written in digits, from `min` to `max`. */
export function wholeNumberFlag(text: string, flag: string, min: number, max: number): number {
  const value = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max))
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got ${JSON.stringify(text)})`);
  return value;
}

/** One of `choices`; a near miss is named. */
export function choiceFlag<const C extends readonly string[]>(text: string, flag: string, choices: C): C[number] {
  if ((choices as readonly string[]).includes(text)) return text as C[number];
  const near = closest(text, choices);
  throw new UsageError(
    `${flag} must be ${[choices.slice(0, -1).join(', '), choices.at(-1)].filter(Boolean).join(' or ')} (got ${JSON.stringify(text)}${near ? `; did you mean ${near}?` : ''})`,
  );
}

/** A path or name that must not be empty. */
export function nonEmptyFlag(text: string, flag: string): string {
  if (text.trim() === '') throw new UsageError(`${flag} must not be empty`);
  return text;
}

export interface HostPort {
  /** Empty when the address named only a port. */
  host: string;
  port: number;
}

/** `HOST:PORT`, `[IPv6]:PORT`, `:PORT` or `PORT`; the port from 1 to 65535, the host an IP address or a DNS name. */
export function addressFlag(text: string, flag: string, example: string): HostPort {
  const match = /^(?:(?:\[([^\]]*)\]|([^:[\]]*)):)?(\d{1,5})$/.exec(text);
  const host = match?.[1] ?? match?.[2] ?? '';
  const port = Number(match?.[3]);
  const hostOk = match?.[1] !== undefined ? net.isIPv6(host) : host === '' || isHostName(host);
  if (!match || !hostOk || !(port >= 1 && port <= 65535)) {
    throw new UsageError(
      `${flag} must be HOST:PORT such as ${example}, with a port from 1 to 65535 (got ${JSON.stringify(text)})`,
    );
  }
  return { host, port };
}

/**
 * `host:port`, IPv6 hosts in brackets, as Node and Caddy read an address. A host of
 * addressFlag's with a colon is an IPv6 address (net.isIPv6 would cost every start
 * the compilation of its pattern, some milliseconds).
 */
export function formatHostPort({ host, port }: HostPort): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** A URL with one of `schemes` and a host: nothing else, or only a `/` path. */
export function urlFlag(text: string, flag: string, schemes: readonly string[], example: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  const ok =
    url &&
    schemes.includes(url.protocol.slice(0, -1)) &&
    isHostName(url.hostname.replace(/^\[(.*)\]$/, '$1')) &&
    url.pathname.replace(/^\/$/, '') === '' &&
    url.search === '' &&
    url.hash === '' &&
    url.username === '';
  if (!ok) throw new UsageError(`${flag} must be a URL such as ${example} (got ${JSON.stringify(text)})`);
  return url!;
}

function isHostName(host: string): boolean {
  return (
    net.isIP(host) !== 0 ||
    /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(
      host,
    )
  );
}
