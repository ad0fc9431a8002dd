import fs from 'node:fs';
import path from 'node:path';
import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';

export interface WatcherEvents {
  /** Something under the directory changed: a hint to rescan, never a fact to act on. */
  changed(): void;
  /** The watcher failed (ENOSPC, EMFILE...) and changed mode; `mode` is what it runs on now. */
  status(mode: WatchMode, error: string | null): void;
}

export type WatchMode = 'events' | 'polling' | 'resync-only';

/**
 * Watches the manifest directory with chokidar: every add/change/unlink (files that
 * manifests refer to included, `.env` too) is reported as a hint; the controller
 * debounces and rescans. Symlinks are not followed; `.git` and `node_modules` are not
 * watched. The parent folder is watched too, for the directory itself: removed,
 * renamed away, or swapped in by a rename, it is watched again as it is now. An
 * `error` event (unhandled, it would kill the process) switches to polling, and if
 * polling fails too, to the periodic rescans only.
 */
export class ManifestWatcher {
  readonly #root: string;
  #tree: FSWatcher | undefined;
  #parent: FSWatcher | undefined;
  #mode: WatchMode = 'events';
  #closed = false;

  constructor(
    dir: string,
    private readonly events: WatcherEvents,
    /** chokidar's `watch`; tests pass one whose watcher fails. */
    private readonly watchFn: typeof watch = watch,
  ) {
    this.#root = path.resolve(dir);
  }

  /** Starts watching; resolves when chokidar's initial scan is done. */
  async start(): Promise<void> {
    await this.#watchParent();
    if (fs.existsSync(this.#root)) await this.#watchTree();
  }

  get mode(): WatchMode {
    return this.#mode;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([this.#tree?.close(), this.#parent?.close()]);
    this.#tree = undefined;
    this.#parent = undefined;
  }

  async #watchTree(): Promise<void> {
    const root = this.#root;
    const tree = this.watchFn(root, {
      ignoreInitial: true,
      followSymlinks: false,
      usePolling: this.#mode === 'polling',
      interval: 500,
      ignored: (file: string) =>
        path
          .relative(root, file)
          .split(path.sep)
          .some((part) => part === '.git' || part === 'node_modules'),
    });
    this.#tree = tree;
    tree.on('all', () => this.events.changed());
    tree.on('error', (error: unknown) => void this.#failed(error));
    await ready(tree);
  }

  /** The parent folder, depth 0, for the directory's own comings and goings. */
  async #watchParent(): Promise<void> {
    const parent = path.dirname(this.#root);
    if (!fs.existsSync(parent)) return;
    const watcher = this.watchFn(parent, {
      ignoreInitial: true,
      depth: 0,
      usePolling: this.#mode === 'polling',
      interval: 500,
      ignored: (file: string) => path.resolve(file) !== parent && path.resolve(file) !== this.#root,
    });
    this.#parent = watcher;
    watcher.on('all', (event, file) => {
      if (path.resolve(file) !== this.#root) return;
      this.events.changed();
      if (event === 'addDir' || event === 'unlinkDir') void this.#rewatch();
    });
    watcher.on('error', (error: unknown) => void this.#failed(error));
    await ready(watcher);
  }

  /** The directory went or came: drop the old watch (it may follow a renamed inode), watch what is there now. */
  async #rewatch(): Promise<void> {
    const old = this.#tree;
    this.#tree = undefined;
    await old?.close().catch(() => undefined);
    if (this.#closed || this.#mode === 'resync-only' || !fs.existsSync(this.#root)) return;
    await this.#watchTree().catch((error: unknown) => this.#failed(error));
  }

  async #failed(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await Promise.all([this.#tree?.close().catch(() => undefined), this.#parent?.close().catch(() => undefined)]);
    this.#tree = undefined;
    this.#parent = undefined;
    if (this.#closed) return;
    if (this.#mode === 'events') {
      this.#mode = 'polling';
      this.events.status('polling', message);
      try {
        await this.start();
        return;
      } catch (retry) {
        this.#mode = 'resync-only';
        this.events.status('resync-only', retry instanceof Error ? retry.message : String(retry));
        return;
      }
    }
    this.#mode = 'resync-only';
    this.events.status('resync-only', message);
  }
}

function ready(watcher: FSWatcher): Promise<void> {
  return new Promise((resolve) => watcher.once('ready', () => resolve()));
}
