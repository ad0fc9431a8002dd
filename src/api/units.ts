const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `5s`, `1m30s` -> milliseconds. Throws on anything else (the schema has checked it). */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a duration: ${text}`);
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_UNITS[p[2]!]!, 0));
}

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1e3, m: 1e6, g: 1e9, K: 1e3, M: 1e6, G: 1e9, T: 1e12,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
};

/** `256Mi`, `1Gi`, `512M` -> bytes. */
export function parseSize(text: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)([KMGT]i?|[kmgb])?$/.exec(text);
  if (!match) throw new Error(`not a size: ${text}`);
  return Math.round(Number(match[1]) * SIZE_UNITS[match[2] ?? '']!);
}
