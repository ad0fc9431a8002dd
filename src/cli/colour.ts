/** ANSI colours for what a terminal shows; none where colour is off. */
export const COLOURS = { green: 32, yellow: 33, red: 31 } as const;
export type Colour = keyof typeof COLOURS;

/**
 * Whether to colour what goes to stdout: on a terminal, unless `NO_COLOR` is set to
 * anything non-empty (no-color.org) or `TERM=dumb`; `FORCE_COLOR` turns it on anywhere
 * (and `FORCE_COLOR=0` off), as Node and most tools read it.
 */
export function colourOn(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY && env.TERM !== 'dumb';
}

export function paint(text: string, colour: Colour, on: boolean): string {
  return on ? `\u001b[${COLOURS[colour]}m${text}\u001b[0m` : text;
}
