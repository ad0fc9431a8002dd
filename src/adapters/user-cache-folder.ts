import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * This user's folder for one of tinyforge's caches (`v8`: compiled code, `manifests`:
 * loaded manifests), made if missing, where Node 22 keeps its own compile cache
 * (NODE_COMPILE_CACHE, else the system's temporary folder). Undefined when it cannot be
 * made, or when someone else could write it: what is read from it is run, or acted on,
 * as this user.
 */
export function userCacheFolder(name: string): string | undefined {
  const root = process.env.NODE_COMPILE_CACHE || path.join(os.tmpdir(), 'node-compile-cache');
  const uid = process.getuid?.();
  const folder = path.join(root, `tinyforge-${name}-${uid ?? 'user'}`);
  try {
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(folder);
    const ours = stat.isDirectory() && (uid === undefined || stat.uid === uid) && (stat.mode & 0o022) === 0;
    return ours ? folder : undefined;
  } catch {
    return undefined;
  }
}
