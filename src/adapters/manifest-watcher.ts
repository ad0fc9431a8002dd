import path from 'node:path';
import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';

export interface WatcherEvents {
  /** Something under the directory changed: a hint to rescan, never a fact to act on. */
  changed(): void;
  /** The watcher failed (ENOSPC, EMFILE...) or changed mode; `mode` is what it runs on now. */
  status(mode: WatchMode, error: string | null): void;
}

export type WatchMode = 'events' | 'polling' | 'resync-only';

/**
 * Watches the manifest directory with chokidar: every add/change/unlink (files that
 * manifests refer to included, `.env` too) is reported as a hint; the controller
 * debounces and rescans. Symlinks are not followed; `.git` and `node_modules` are not
 * watched. An `error` event (unhandled, it would kill the process) switches to polling,
 * and if polling fails too, to periodic rescans only. A directory that disappears and
 * comes back is watched again.
 */
export class ManifestWatcher {
  #watcher: FSWatcher | undefined;
  #mode: WatchMode = 'events';
  #closed = false;

  constructor(
    private readonly dir: string,
    private readonly events: WatcherEvents,
  ) {}

  /** Starts watching; resolves when chokidar is ready (its initial scan is done). */
  async start(): Promise<void> {
    await this.#open(this.#mode === 'polling');
  }

  get mode(): WatchMode {
    return this.#mode;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#watcher?.close();
    this.#watcher = undefined;
  }

  async #open(polling: boolean): Promise<void> {
    const root = path.resolve(this.dir);
    const watcher = watch(root, {
      ignoreInitial: true,
      followSymlinks: false,
      usePolling: polling,
      interval: 500,
      ignored: (file: string) => {
        const relative = path.relative(root, file);
        return relative.split(path.sep).some((part) => part === '.git' || part === 'node_modules');
      },
    });
    this.#watcher = watcher;
    watcher.on('all', (event, file) => {
      this.events.changed();
      if (event === 'unlinkDir' && path.resolve(file) === root) void this.#reopen();
    });
    watcher.on('error', (error: unknown) => void this.#failed(error));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  async #failed(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await this.#watcher?.close().catch(() => undefined);
    this.#watcher = undefined;
    if (this.#closed) return;
    if (this.#mode === 'events') {
      this.#mode = 'polling';
      this.events.status('polling', message);
      try {
        await this.#open(true);
        return;
      } catch (retry) {
        this.events.status('resync-only', retry instanceof Error ? retry.message : String(retry));
      }
    }
    this.#mode = 'resync-only';
    this.events.status('resync-only', message);
  }

  /** The directory itself went away: watch it again (when it is back), and rescan meanwhile. */
  async #reopen(): Promise<void> {
    await this.#watcher?.close().catch(() => undefined);
    this.#watcher = undefined;
    if (this.#closed) return;
    this.events.changed();
    setTimeout(() => {
      if (!this.#closed && this.#watcher === undefined) this.#open(this.#mode === 'polling').catch((error: unknown) => void this.#failed(error));
    }, 1000).unref();
  }
}
