/**
 * The host folder of a compose service's bind mount (`./data:/data`, `~/data:/data`, or
 * `{type: bind, source}`); undefined for a named volume. The one rule validation, the
 * Compose kind and `import` tell the two apart by.
 */
export function bindSource(volume: unknown): string | undefined {
  if (typeof volume === 'string') {
    const source = volume.split(':')[0] ?? '';
    return /^[./~]/.test(source) ? source : undefined;
  }
  const long = volume as { type?: string; source?: string };
  return long.type === 'bind' ? long.source : undefined;
}
