import path from 'node:path';

/** Whether `candidate` is `folder` or lies below it (both absolute and normalized). */
export function isInside(candidate: string, folder: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
