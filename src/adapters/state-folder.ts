import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Why the folder of `file` cannot take a new state file, completing "the state folder
 * DIR …", or undefined when it can: not writable (a read-only file system, an immutable
 * or foreign folder), or full. Read-only: it asks the file system, it writes nothing.
 */
export async function stateFolderProblem(file: string): Promise<string | undefined> {
  const dir = path.dirname(path.resolve(file));
  try {
    await fs.access(dir, fs.constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    return `cannot be written (${code === 'EROFS' ? 'read-only file system' : (code ?? (error as Error).message)})`;
  }
  const space = await fs.statfs(dir).catch(() => undefined);
  if (space && space.bavail * space.bsize < MIN_FREE_BYTES) return 'is full (no space left on its device)';
  return undefined;
}

/** Less room than this cannot take a state file of even a few workloads. */
const MIN_FREE_BYTES = 4096;
