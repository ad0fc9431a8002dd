import type { LogOptions, LogSink, LogTarget, OpenLog, WorkloadLogs } from '../app-logs.js';
import { LineSplitter, formatLine, mergeByTime, targetLabel, timeKey, wholeSeconds } from './log-lines.js';
import type { LogLine } from './log-lines.js';

/** What `logs` prints and how. */
export interface LogPrinting {
  /** Prefix each line with its container (`web-1 | `). */
  labelled: boolean;
  /** Keep Docker's timestamp before each line. */
  timestamps: boolean;
  print: (text: string) => void;
}

/**
 * The logs of a workload's containers: read to their end and printed in time order, or
 * followed, each line printed as it comes. Every container's stdout and stderr are cut
 * into lines on their own, so lines of several containers interleave whole. A container
 * followed again (restarted in place) prints only lines later than the last it printed.
 */
export class LogSession {
  readonly #logs: WorkloadLogs;
  readonly #printing: LogPrinting;
  /** Per container: the time key of the last line printed. */
  readonly #last = new Map<string, string>();
  /** Containers whose log is being followed now. */
  readonly #open = new Map<string, OpenLog | undefined>();
  #closed = false;

  constructor(logs: WorkloadLogs, printing: LogPrinting) {
    this.#logs = logs;
    this.#printing = printing;
  }

  /** Reads every target's log to its end, then prints all their lines in time order. */
  async printAll(targets: readonly LogTarget[], options: LogOptions): Promise<void> {
    const lines: { line: LogLine; label: string }[] = [];
    await Promise.all(
      targets.map(async (target) => {
        const label = targetLabel(target);
        const log = await this.#logs.open(
          target,
          options,
          linesOf((line) => lines.push({ line, label })),
        );
        await log.ended;
      }),
    );
    for (const { line, label } of mergeByTime(lines)) this.#show(line, label);
  }

  /**
   * Follows the targets not followed already: a new one from `options`, one followed
   * before (restarted) from just before its last printed line. A stopped container is
   * read once, to its end, until it runs again.
   */
  async follow(targets: readonly LogTarget[], options: LogOptions): Promise<void> {
    for (const target of targets) {
      const { containerId } = target;
      const last = this.#last.get(containerId);
      if (this.#closed || this.#open.has(containerId) || (last !== undefined && target.state !== 'running')) continue;
      this.#last.set(containerId, last ?? '');
      this.#open.set(containerId, undefined);
      const from = last ? { follow: true, sinceSeconds: wholeSeconds(last) } : { ...options, follow: true };
      const onLine = this.#shownOnce(containerId, targetLabel(target));
      try {
        const log = await this.#logs.open(target, from, linesOf(onLine));
        this.#open.set(containerId, log);
        if (this.#closed) log.close();
        void log.ended.then(() => this.#open.delete(containerId));
      } catch (error) {
        this.#open.delete(containerId);
        throw error;
      }
    }
  }

  /** Ends every stream being followed. */
  close(): void {
    this.#closed = true;
    for (const log of this.#open.values()) log?.close();
  }

  /**
   * Shows a followed container's lines but those up to what an earlier follow showed (a
   * second follow starts a little early). Only that earlier mark counts: stdout and
   * stderr lines need not come in time order.
   */
  #shownOnce(containerId: string, label: string): (line: LogLine) => void {
    const shownBefore = this.#last.get(containerId) ?? '';
    return (line) => {
      const key = timeKey(line.at);
      if (line.at !== '' && key <= shownBefore) return;
      if (line.at !== '' && key > (this.#last.get(containerId) ?? '')) this.#last.set(containerId, key);
      this.#show(line, label);
    };
  }

  #show(line: LogLine, label: string): void {
    this.#printing.print(formatLine(line, this.#printing.labelled ? label : undefined, this.#printing.timestamps));
  }
}

/** A sink that hands on whole lines, stdout and stderr cut apart; the end of the stream flushes both. */
export function linesOf(onLine: (line: LogLine) => void): LogSink {
  const splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };
  return {
    chunk: (chunk) => {
      for (const line of splitters[chunk.stream].push(chunk.data)) onLine(line);
    },
    end: () => {
      for (const line of [...splitters.stdout.flush(), ...splitters.stderr.flush()]) onLine(line);
    },
  };
}
