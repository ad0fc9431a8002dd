/** Flow collections (`[`, `{`) a manifest may nest; far above any honest one, far below the parser's stack. */
export const MAX_FLOW_DEPTH = 64;

/**
 * Where a text first nests flow collections deeper than MAX_FLOW_DEPTH, or -1. A cheap
 * scan before the parser, whose recursion would otherwise run out of stack on such a
 * text (at a cost, and at a position that depends on the stack). Quoted strings and
 * comments are skipped; a block scalar is scanned as it is, which can only count an
 * honest file deeper than it is by the brackets it leaves open: never 64 of them.
 */
export function tooDeepAt(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ((c === '"' || c === "'") && startsScalar(text, i)) i = quotedEnd(text, i);
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) i = lineEnd(text, i);
    else if (c === '[' || c === '{') {
      if (++depth > MAX_FLOW_DEPTH) return i;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return -1;
}

/** A quote opens a quoted scalar where a scalar can start (`it's` is plain text). */
function startsScalar(text: string, at: number): boolean {
  return at === 0 || /[\s[{,]/.test(text[at - 1]!);
}

/** The offset of the quote that closes the string opened at `start` (YAML: `''` inside single quotes, `\` escapes in double). */
function quotedEnd(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return text.length;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end === -1 ? text.length : end;
}
