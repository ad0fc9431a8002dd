/** One line of a dotenv file that is not `KEY=value`; it never quotes the line (values are secrets). */
export interface DotenvProblem {
  line: number;
  column: number;
  message: string;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Parses a dotenv file: `KEY=value` lines, `#` comments, blank lines, an optional
 * `export ` prefix, values in single quotes (literal) or double quotes (`\n`, `\t`, `\"`,
 * `\\` escapes), and ` #` comments after unquoted values.
 */
export function parseDotenv(text: string): { values: Map<string, string>; problems: DotenvProblem[] } {
  const values = new Map<string, string>();
  const problems: DotenvProblem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const body = trimmed.startsWith('export ') ? trimmed.slice(7).trimStart() : trimmed;
    const eq = body.indexOf('=');
    const column = raw.length - raw.trimStart().length + 1;
    if (eq <= 0) {
      problems.push({ line, column, message: 'line is not KEY=value' });
      return;
    }
    const key = body.slice(0, eq).trim();
    if (!KEY.test(key)) {
      problems.push({
        line,
        column,
        message: 'variable name must be letters, digits and "_", not starting with a digit',
      });
      return;
    }
    const value = parseValue(body.slice(eq + 1).trim());
    if (value === undefined) {
      problems.push({ line, column, message: `value of ${key} has an unclosed quote` });
      return;
    }
    values.set(key, value);
  });
  return { values, problems };
}

function parseValue(raw: string): string | undefined {
  const quote = raw[0];
  if (quote === "'" || quote === '"') {
    const end = raw.indexOf(quote, 1);
    if (quote === "'") return end < 0 ? undefined : raw.slice(1, end);
    let out = '';
    for (let i = 1; i < raw.length; i++) {
      const c = raw[i]!;
      if (c === '"') return out;
      if (c === '\\' && i + 1 < raw.length) {
        const next = raw[++i]!;
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
      } else {
        out += c;
      }
    }
    return undefined;
  }
  const comment = raw.search(/\s#/);
  return (comment >= 0 ? raw.slice(0, comment) : raw).trim();
}
