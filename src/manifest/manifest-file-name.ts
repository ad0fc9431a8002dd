/**
 * Whether a file name under the manifest directory is a manifest: `*.yaml`/`*.yml`, not
 * hidden, and not the leftovers of editors and sync tools (`*~`, `*.swp`, vim's `4913`
 * probe, emacs' `.#*` locks, rsync's hidden temps, Syncthing's `*.sync-conflict-*`).
 */
export function isManifestFileName(name: string): boolean {
  if (name.startsWith('.') || name.endsWith('~')) return false;
  if (name.includes('.sync-conflict-')) return false;
  return /\.ya?ml$/i.test(name);
}

/** Whether a folder is skipped while scanning: hidden ones such as `.git`. */
export function isSkippedDirectoryName(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}
