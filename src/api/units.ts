const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `5s`, `1m30s` -> milliseconds. Throws on anything else (the schema has checked it). */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a duration: ${text}`);
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_UNITS[p[2]!]!, 0));
}

/**
 * Size suffixes, one meaning everywhere (manifests and Compose files alike): Kubernetes
 * quantities (`K M G T` decimal, `Ki Mi Gi Ti` binary) and Docker's, binary as
 * `docker run -m` reads them (`b k m g`, also written `kb mb gb` or `KB MB GB`).
 */
const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  B: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** The sizes `parseSize` reads; the schemas' `pattern` for sizes is this source (a test keeps them equal). */
export const SIZE_PATTERN = /^[0-9]+(\.[0-9]+)?([KMGT]i?|[KMG]B|[kmg]b?|[bB])?$/;

/** `256Mi`, `1Gi`, `512M`, `256m` -> bytes (see SIZE_UNITS). Throws on anything else. */
export function parseSize(text: string): number {
  if (!SIZE_PATTERN.test(text)) throw new Error(`not a size: ${text}`);
  const [, number, unit = ''] = /^([0-9.]+)(.*)$/.exec(text)!;
  return Math.round(Number(number) * SIZE_UNITS[unit]!);
}

/** The wait after the `tries`-th failure (1, 2, …): `firstMs`, doubling each time, never past `maxMs`. */
export function doublingDelay(tries: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.min(tries - 1, 30));
}

/** kubectl's AGE of `ms` (negative counts as 0): 45s, 12m, 3h, 5d. */
export function shortAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}
