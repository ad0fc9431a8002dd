/** What the loader may learn about a path on disk (adapters/fs-file-access.ts does the looking). */
export type PathInfo =
  | { exists: false }
  | { exists: true; realPath: string; type: 'file' | 'directory' | 'socket' | 'other' };

/** The loader's only window on the file system, so manifest/ stays free of I/O. */
export interface FileAccess {
  /** Follows symlinks; never throws. */
  inspect(absolutePath: string): PathInfo;
  /** Reads a referenced file with the limits manifests have (size, regular file only). */
  readText(absolutePath: string): { text: string } | { error: string };
  /** How a path is shown to the user: relative to the current folder when below it. */
  display(absolutePath: string): string;
}
