import path from 'node:path';

/** Whether `candidate` is `folder` or lies below it (both absolute and normalized). */
export function isInside(candidate: string, folder: string): boolean {
  const relative = path.relative(folder, candidate);
  // `..` is a step up; `..data` (a Kubernetes ConfigMap's folder) is a name like any other.
  const up = relative === '..' || relative.startsWith(`..${path.sep}`);
  return !up && !path.isAbsolute(relative);
}
