import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * What the state lock may learn about a process. Every reader answers undefined where it
 * cannot know (no /proc: not Linux; a pid that is gone), never throws.
 */
export interface ProcessFacts {
  /** This host's name. */
  host(): string;
  /** The kernel's id of this boot; a pid and its start time mean something only within one boot. */
  bootId(): string | undefined;
  /** When the process started, in clock ticks since boot: a recycled pid has another one. */
  startTime(pid: number): string | undefined;
  /** The process's arguments, argv[0] first. */
  commandLine(pid: number): string[] | undefined;
  /** Whether a process with this pid exists (one of another user's included). */
  alive(pid: number): boolean;
}

/** The facts of this machine, read from `procRoot` (default /proc). */
export function procFacts(procRoot = '/proc'): ProcessFacts {
  const read = (...parts: string[]): string | undefined => {
    try {
      return fs.readFileSync(path.join(procRoot, ...parts), 'utf8');
    } catch {
      return undefined;
    }
  };
  return {
    host: () => os.hostname(),
    bootId: () => read('sys', 'kernel', 'random', 'boot_id')?.trim() || undefined,
    startTime: (pid) => parseStartTime(read(String(pid), 'stat') ?? ''),
    commandLine: (pid) => {
      const text = read(String(pid), 'cmdline');
      return text ? text.split('\0').filter((arg) => arg !== '') : undefined;
    },
    alive,
  };
}

/**
 * Field 22 of /proc/PID/stat, the start time. The second field is the command name in
 * parentheses, and that name may hold spaces and parentheses itself (`(a) b)`): the
 * fields are counted from the last `)`, after which field 3 comes.
 */
export function parseStartTime(stat: string): string | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const field = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/)[22 - 3];
  return field !== undefined && /^\d+$/.test(field) ? field : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
