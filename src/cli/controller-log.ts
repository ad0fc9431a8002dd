import type { DaemonLog, LogFields, LogLevel } from '../app-daemon.js';
import type { Output } from './output.js';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * One line of the long-running controller's log: `2026-01-02T03:04:05.678Z info  msg` as
 * text, or `{"time","level","msg",...fields}` as JSON for collectors (journald, Loki).
 * Fields are extra structure for JSON only; the words already say them in text.
 */
export function logLine(format: LogFormat, time: Date, level: LogLevel, msg: string, fields: LogFields = {}): string {
  const at = time.toISOString();
  if (format === 'json') return JSON.stringify({ time: at, level, msg, ...fields });
  // A message of several lines (an engine's error, say): each stamped, so no line reads as another's.
  return msg
    .split('\n')
    .map((part) => `${at} ${level.padEnd(5)} ${part}`)
    .join('\n');
}

/** The controller's log on `output`: a pass's plan lines to stdout, the rest to stderr, each line stamped. */
export function controllerLog(output: Output, format: LogFormat, now: () => Date = () => new Date()): DaemonLog {
  return {
    out: (line) => output.out(logLine(format, now(), 'info', line)),
    err: (line, level, fields) => output.err(logLine(format, now(), level, line, fields)),
  };
}
