import fs from 'node:fs';

/** The largest manifest or referenced file tinyforge reads (docs/guarantees.md #13). */
export const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Reads a regular file of at most MAX_FILE_BYTES as UTF-8, or says why not. The file is
 * opened non-blocking and checked through its descriptor, so a FIFO or device named
 * `x.yaml` is refused without blocking, and a file swapped between a check and the read
 * cannot slip through.
 */
export function safeReadText(file: string): { text: string } | { error: string } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
  } catch (error) {
    return { error: `cannot open: ${describeFsError(error)}` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { error: 'not a regular file (FIFO, device or socket): refused' };
    if (stat.size > MAX_FILE_BYTES) return { error: `file is ${stat.size} bytes, over the 1 MiB limit: refused` };
    // Read one byte past the limit, so a file that grew after fstat is still caught.
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_FILE_BYTES) + 1);
    let length = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) {
        if (length > MAX_FILE_BYTES) return { error: 'file is over the 1 MiB limit: refused' };
        break;
      }
    }
    const text = buffer.subarray(0, length).toString('utf8');
    if (text.includes('\u0000')) return { error: 'file holds NUL bytes: not a text file' };
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch (error) {
    return { error: `cannot read: ${describeFsError(error)}` };
  } finally {
    fs.closeSync(fd);
  }
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'is a folder';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
