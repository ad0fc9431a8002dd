import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Policy } from '../api/policy.js';
import type { BackendName } from '../manifest/check-backend.js';
import { canonicalJson } from '../reconcile/canonical-json.js';
import { DeletionGrace } from './deletion-grace.js';
import { findGitDir, waitForGit } from './git-checkout.js';
import { gitRevision } from './git-revision.js';
import { loadFromDisk } from './manifest-loader.js';
import type { DirectoryLoad } from './manifest-loader.js';

/** What a rescan found new. */
export interface Rescan {
  /** Workloads whose fingerprint changed: added, removed, edited, or invalid with other problems. */
  changed: string[];
  /** The git revision moved: news for every workload, each records the revision it runs. */
  revisionChanged: boolean;
  /** The problems differ from the last load's; for the first load, there are some (a controller starts on them). */
  problemsChanged: boolean;
  /** The manifests as now loaded (a workload whose file just vanished still in it), and the revision. */
  view: DirectoryLoad;
  revision: string | null;
  /** A vanished workload is in `view` until its grace ends: rescan after this long to delete it. */
  rescanInMs?: number;
}

/** How long a manifest must stay absent before its workload is deleted (docs/how-it-works.md). */
export const DELETION_GRACE_MS = 2000;

/**
 * The manifest directory as the long-running controller sees it: each rescan waits for a
 * git checkout under way, loads (reusing the last load when nothing it was made from
 * changed), asks git for the revision, and tells which workloads changed since the last.
 */
export class ManifestSource {
  private readonly root: string;
  private readonly gitDir: string | undefined;
  private view: DirectoryLoad | undefined;
  /** The last load as read, before the grace carried anything over: what the next load may reuse. */
  private read: DirectoryLoad | undefined;
  private readonly grace: DeletionGrace;
  private revision: string | null = null;
  private fingerprints = new Map<string, string>();
  private readonly now: () => number;

  constructor(
    private readonly dir: string,
    private readonly policy: Policy,
    private readonly backend: BackendName = 'docker',
    options: { deletionGraceMs?: number; now?: () => number } = {},
  ) {
    this.grace = new DeletionGrace(options.deletionGraceMs ?? DELETION_GRACE_MS);
    this.now = options.now ?? Date.now;
    this.root = path.resolve(dir);
    this.gitDir = findGitDir(this.root);
  }

  async rescan(): Promise<Rescan> {
    await waitForGit(this.gitDir);
    const before = this.view;
    const read = loadFromDisk({ dir: this.dir }, this.policy, {
      backend: this.backend,
      ...(this.read ? { previous: this.read } : {}),
    });
    const previousRevision = this.revision;
    this.revision = gitRevision(this.root);
    const revisionChanged = this.revision !== previousRevision && previousRevision !== null;
    // Nothing it was made from changed, and no deletion waits: the last load stands (a resync's usual case).
    if (read === this.read && before && !this.grace.pending)
      return { revisionChanged, view: before, revision: this.revision, changed: [], problemsChanged: false };
    this.read = read;
    const now = this.now();
    const next = this.grace.apply(read, before, now);
    const rescanInMs = this.grace.dueInMs(now);
    const found = {
      revisionChanged,
      view: next,
      revision: this.revision,
      ...(rescanInMs === undefined ? {} : { rescanInMs }),
    };
    const prints = fingerprints(next);
    const changed = [...new Set([...this.fingerprints.keys(), ...prints.keys()])].filter(
      (id) => this.fingerprints.get(id) !== prints.get(id),
    );
    // Problems come and go with the files: a rescan that changes them is news too.
    const problemsChanged = canonicalJson(before?.problems ?? []) !== canonicalJson(next.problems);
    this.view = next;
    // An unreadable directory says nothing of what exists: compare its return with what was last read,
    // or a workload deleted while it was gone would wait for the resync to be pruned.
    if (next.unreadable === undefined) this.fingerprints = prints;
    return { ...found, changed, problemsChanged };
  }
}

/**
 * What each workload is, for noticing change: its key (manifest, Compose application,
 * source, and the content of the files it refers to). Invalid ids change with their
 * problems, so their status follows.
 */
export function fingerprints(load: DirectoryLoad): Map<string, string> {
  const prints = new Map<string, string>();
  for (const w of load.workloads) prints.set(w.id, w.key);
  const problems = `invalid:${createHash('sha256').update(canonicalJson(load.problems)).digest('hex')}`;
  for (const id of load.invalidIds) prints.set(id, problems);
  return prints;
}
