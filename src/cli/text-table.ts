/**
 * Rows as aligned columns, kubectl's way: each column as wide as its widest cell plus two
 * spaces, the last one free. `indent` goes before every line.
 */
export function textTable(rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((row) =>
    `${indent}${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 2))).join('')}`.trimEnd(),
  );
}
