/**
 * One server-sent event: `event:` then one `data:` line per line of `data` (a line
 * break inside data would otherwise end the field), closed by a blank line.
 */
export function sseFrame(event: string, data: string): string {
  const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`);
  return `event: ${event.replace(/[\r\n]/g, '')}\n${lines.join('')}\n`;
}

/** A comment line: ignored by EventSource, it keeps proxies from closing an idle stream. */
export const SSE_HEARTBEAT = ': keep-alive\n\n';
