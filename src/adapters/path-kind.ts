import fs from 'node:fs';

/**
 * Whether a command's target is a manifest directory rather than a file: what is there
 * says so; a path that is not there is a directory unless it is named like a manifest
 * (the loader then reports it as unreadable, with the reason).
 */
export function isDirectoryTarget(target: string): boolean {
  try {
    return fs.statSync(target).isDirectory();
  } catch {
    return !/\.ya?ml$/i.test(target);
  }
}
