import fs from 'node:fs';
import path from 'node:path';
import type { Problem } from '../api/problem.js';
import type { ManifestText } from '../manifest/load-manifests.js';
import { isManifestFileName, isSkippedDirectoryName } from '../manifest/manifest-file-name.js';
import { isInside } from '../manifest/path-inside.js';
import { describeFsError, safeReadText } from './safe-read.js';

export interface ScanResult {
  /** The directory, absolute, and with symlinks followed. */
  root: string;
  realRoot: string;
  files: ManifestText[];
  /** Files refused before parsing (too large, not regular, a symlink leaving the directory). */
  problems: Problem[];
  /** Set when the directory itself cannot be read: nothing may be concluded from it. */
  unreadable?: string;
}

/**
 * Reads every manifest under `dir` (recursively; hidden folders and editor or sync
 * leftovers skipped). Symlinks are followed only while they stay inside the directory;
 * each real file is read once however many links lead to it.
 */
export function scanManifestDirectory(dir: string, display: (absolutePath: string) => string): ScanResult {
  const root = path.resolve(dir);
  const result: ScanResult = { root, realRoot: root, files: [], problems: [] };
  try {
    result.realRoot = fs.realpathSync(root);
    if (!fs.statSync(result.realRoot).isDirectory()) {
      result.unreadable = `${display(root)} is not a folder`;
      return result;
    }
  } catch (error) {
    result.unreadable = `${display(root)}: ${describeFsError(error)}`;
    return result;
  }
  const seen = new Set<string>([result.realRoot]);
  const refuse = (file: string, message: string) =>
    result.problems.push({ file: display(file), line: 1, column: 1, path: '', message });

  const walk = (folder: string, realFolder: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      if (folder === root) result.unreadable = `${display(root)}: ${describeFsError(error)}`;
      else refuse(folder, `cannot read folder: ${describeFsError(error)}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      let isDirectory = entry.isDirectory();
      let real = path.join(realFolder, entry.name);
      if (entry.isSymbolicLink()) {
        try {
          real = fs.realpathSync(full);
        } catch (error) {
          if (isManifestFileName(entry.name)) refuse(full, `broken symlink: ${describeFsError(error)}`);
          continue;
        }
        if (!isInside(real, result.realRoot)) {
          if (isManifestFileName(entry.name))
            refuse(full, `symlink leads outside the manifest directory (to ${real}): refused`);
          // A folder holding the directory (`/`, a parent) would lead back into it: a loop, never a data folder.
          else if (isInside(result.realRoot, real) && !isSkippedDirectoryName(entry.name))
            refuse(full, `symlink to ${real}, a folder that holds the manifest directory: not followed`);
          continue;
        }
        isDirectory = fs.statSync(real).isDirectory();
      }
      if (isDirectory) {
        if (isSkippedDirectoryName(entry.name) || seen.has(real)) continue;
        seen.add(real);
        walk(full, real);
      } else if (isManifestFileName(entry.name) && !seen.has(real)) {
        seen.add(real);
        const read = safeReadText(real);
        if ('error' in read) refuse(full, read.error);
        else result.files.push({ path: full, text: read.text });
      }
    }
  };
  walk(root, result.realRoot);
  return result;
}
