/**
 * The files `import` and `init` read and write, as the commands reach them
 * (test/unit/architecture.test.ts: cli/ touches files only through app*.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
export { safeReadText as readTextFile } from './adapters/safe-read.js';

export interface NewFile {
  /** Relative to the directory written into. */
  path: string;
  text: string;
}

/**
 * Writes `files` into `dir` (made when missing). Without `force` nothing is written when
 * any of them exists: the answer names those, so no file is ever half replaced by a
 * mix of old and new. Each file is written whole (`wx` refuses one that appeared since).
 */
export function writeNewFiles(dir: string, files: readonly NewFile[], force: boolean): { existing: string[] } {
  const targets = files.map((file) => ({ ...file, at: path.join(dir, file.path) }));
  const existing = targets.filter(({ at }) => fs.existsSync(at)).map(({ at }) => at);
  if (existing.length > 0 && !force) return { existing };
  fs.mkdirSync(dir, { recursive: true });
  for (const { at, text } of targets) fs.writeFileSync(at, text, { flag: force ? 'w' : 'wx' });
  return { existing: [] };
}

/** The entries of `dir`: undefined when it does not exist; throws when it is no directory. */
export function directoryEntries(dir: string): string[] | undefined {
  try {
    return fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
