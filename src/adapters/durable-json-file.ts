import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';

/**
 * The state file cannot be used: JSON that does not parse, or JSON that is not a state.
 * `run` moves it aside and rebuilds (docs/guarantees.md #6); `status` and `wait` say why.
 */
export class CorruptStateError extends Error {
  readonly code = 'STATE_CORRUPT';
  /** What is wrong, completing "the state file …": `is not valid JSON: …`. */
  readonly why: string;

  constructor(file: string, why: string) {
    super(`${file} ${why}`);
    this.why = why;
  }

  /** The problem in words, naming the file as the reader knows it: `state file F is not valid JSON: …`. */
  describeFor(file: string): string {
    return `state file ${file} ${this.why}`;
  }
}

/**
 * lowdb's two-method adapter, made durable (docs/guarantees.md #12): each write goes to
 * a temp file with a unique name in the same folder, is fsynced, renamed over the
 * target, and the folder is fsynced, so readers see the old file or the new one and a
 * power cut loses neither. steno's fixed temp name and missing fsync tear files under
 * two writers or a crash (lowdb#549, #562). Mode 0600: status can name secrets' files.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  readonly #file: string;
  readonly #check: ((data: unknown) => Promise<string | undefined>) | undefined;

  /**
   * `check` says what is wrong with JSON that parses but is no T (completing "the file
   * …"), or undefined: such a file is as corrupt as one that does not parse. It sees the
   * value `null` too, which is no absent file.
   */
  constructor(file: string, options: { check?: (data: unknown) => Promise<string | undefined> } = {}) {
    this.#file = file;
    this.#check = options.check;
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await fs.readFile(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new CorruptStateError(this.#file, `is not valid JSON: ${(error as Error).message}`);
    }
    const wrong = await this.#check?.(data);
    if (wrong !== undefined) throw new CorruptStateError(this.#file, wrong);
    return data as T;
  }

  async write(data: T): Promise<void> {
    const temp = tempName(path.basename(this.#file));
    try {
      await this.#writeVia(path.join(path.dirname(this.#file), temp), data);
    } catch (error) {
      throw withStableName(error, temp, `.${path.basename(this.#file)}.*.tmp`);
    }
  }

  /**
   * Removes temp files a killed writer left beside the file (a SIGKILL between open and
   * rename), answering their names. Only names `write` makes are touched, and only
   * regular files; call it while no one else writes this file (the state lock is held).
   */
  async removeLeftoverTemps(): Promise<string[]> {
    const dir = path.dirname(this.#file);
    const ours = tempNamePattern(path.basename(this.#file));
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    const removed: string[] = [];
    for (const name of names.filter((n) => ours.test(n))) {
      const stat = await fs.lstat(path.join(dir, name)).catch(() => undefined);
      if (!stat?.isFile()) continue;
      await fs.rm(path.join(dir, name), { force: true });
      removed.push(name);
    }
    return removed;
  }

  async #writeVia(temp: string, data: T): Promise<void> {
    const dir = path.dirname(this.#file);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      try {
        await handle.writeFile(`${JSON.stringify(data, null, 2)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, this.#file);
    } catch (error) {
      // A full disk fails every retry: leave no partial temp file behind each time.
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

/** A unique temp name for the file named `base`: `.<base>.<pid>.<12 hex>.tmp`. */
function tempName(base: string): string {
  return `.${base}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** Matches every name `tempName` makes for `base`, and no other. */
function tempNamePattern(base: string): RegExp {
  return new RegExp(`^\\.${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+\\.[0-9a-f]{12}\\.tmp$`);
}

/**
 * The error with the temp file's random name replaced by a pattern: a fault that fails
 * every retry (a read-only folder) then reads the same each time, and is reported once.
 */
function withStableName(error: unknown, temp: string, pattern: string): unknown {
  if (!(error instanceof Error) || !error.message.includes(temp)) return error;
  const stable = new Error(error.message.replaceAll(temp, pattern), { cause: error });
  const { code, errno, syscall } = error as NodeJS.ErrnoException;
  return Object.assign(stable, { code, errno, syscall });
}
