import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/manifest/dotenv.js';

describe('dotenv files', () => {
  it('reads KEY=value lines, comments, export and quotes', () => {
    const { values, problems } = parseDotenv(
      ['# comment', '', 'A=1', 'export B = two ', 'C="line\\nbreak"', "D='$literal'", 'E=value # note', 'F='].join(
        '\n',
      ),
    );
    expect(problems).toEqual([]);
    expect(Object.fromEntries(values)).toEqual({
      A: '1',
      B: 'two',
      C: 'line\nbreak',
      D: '$literal',
      E: 'value',
      F: '',
    });
  });

  it('reports bad lines by position without quoting them', () => {
    const { problems } = parseDotenv('GOOD=1\n  hunter2\n1BAD=x\nQ="unclosed\n');
    expect(problems).toEqual([
      { line: 2, column: 3, message: 'line is not KEY=value' },
      { line: 3, column: 1, message: 'variable name must be letters, digits and "_", not starting with a digit' },
      { line: 4, column: 1, message: 'value of Q has an unclosed quote' },
    ]);
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });
});
