import fs from 'node:fs';
import path from 'node:path';
import type { FileAccess, PathInfo } from '../manifest/file-access.js';
import { safeReadText } from './safe-read.js';

/**
 * The loader's FileAccess on the real file system, for one load; paths shown relative to
 * `cwd` when below it. Each path is looked at and read once: the checks, the workloads'
 * keys and the load's content key all see the same files, even one rewritten meanwhile.
 */
export function createFsFileAccess(cwd: string = process.cwd()): FileAccess {
  return {
    inspect: once(inspectPath),
    readText: once(safeReadText),
    display: (absolutePath: string) => displayPath(absolutePath, cwd),
  };
}

function inspectPath(absolutePath: string): PathInfo {
  try {
    const realPath = fs.realpathSync(absolutePath);
    const stat = fs.statSync(realPath);
    const type = stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : stat.isSocket() ? 'socket' : 'other';
    return { exists: true, realPath, type };
  } catch {
    return { exists: false };
  }
}

function once<T>(look: (absolutePath: string) => T): (absolutePath: string) => T {
  const seen = new Map<string, T>();
  return (absolutePath) => {
    if (!seen.has(absolutePath)) seen.set(absolutePath, look(absolutePath));
    return seen.get(absolutePath) as T;
  };
}

export function displayPath(absolutePath: string, cwd: string): string {
  const relative = path.relative(cwd, absolutePath);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolutePath;
}
