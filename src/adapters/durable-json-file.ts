import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';

/** The state file holds JSON that does not parse: it is moved aside and rebuilt. */
export class CorruptStateError extends Error {
  readonly code = 'STATE_CORRUPT';
}

/**
 * lowdb's two-method adapter, made durable (DESIGN.md guarantee 12): each write goes to
 * a temp file with a unique name in the same folder, is fsynced, renamed over the
 * target, and the folder is fsynced, so readers see the old file or the new one and a
 * power cut loses neither. steno's fixed temp name and missing fsync tear files under
 * two writers or a crash (lowdb#549, #562). Mode 0600: status can name secrets' files.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await fs.readFile(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new CorruptStateError(`${this.#file} is not valid JSON: ${(error as Error).message}`);
    }
  }

  async write(data: T): Promise<void> {
    const dir = path.dirname(this.#file);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = path.join(dir, `.${path.basename(this.#file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(data, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(temp, this.#file);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    const folder = await fs.open(dir, 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  }
}
