import fs from 'node:fs';
import path from 'node:path';
import type { FileAccess, PathInfo } from '../manifest/file-access.js';
import { safeReadText } from './safe-read.js';

/** The loader's FileAccess on the real file system; paths shown relative to `cwd` when below it. */
export function createFsFileAccess(cwd: string = process.cwd()): FileAccess {
  return {
    inspect(absolutePath: string): PathInfo {
      try {
        const realPath = fs.realpathSync(absolutePath);
        const stat = fs.statSync(realPath);
        const type = stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : stat.isSocket() ? 'socket' : 'other';
        return { exists: true, realPath, type };
      } catch {
        return { exists: false };
      }
    },
    readText: safeReadText,
    display: (absolutePath: string) => displayPath(absolutePath, cwd),
  };
}

export function displayPath(absolutePath: string, cwd: string): string {
  const relative = path.relative(cwd, absolutePath);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolutePath;
}
