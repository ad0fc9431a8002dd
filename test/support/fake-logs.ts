import type { LogOptions, LogSink, LogTarget, OpenLog, WorkloadLogs } from '../../src/app-logs.js';

/** One log stream the fake handed out: the test writes to it and ends it. */
export class FakeStream {
  closed = false;
  #end: () => void = () => undefined;
  readonly ended: Promise<void>;

  constructor(
    readonly target: LogTarget,
    readonly options: LogOptions,
    readonly sink: LogSink,
  ) {
    this.ended = new Promise((resolve) => {
      this.#end = resolve;
    });
  }

  /** Writes text as the engine would send it (`stdout` unless told). */
  write(text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    this.sink.chunk({ stream, data: Buffer.from(text) });
  }

  end(): void {
    this.sink.end();
    this.#end();
  }

  get open(): OpenLog {
    return {
      ended: this.ended,
      close: () => {
        this.closed = true;
        this.end();
      },
    };
  }
}

/** WorkloadLogs in memory: `targets` is what the engine lists, `history` what an opened log sends at once. */
export class FakeLogs implements WorkloadLogs {
  targetsNow: LogTarget[] = [];
  readonly streams: FakeStream[] = [];
  /** Per container id: the text an opened log sends at once; a log that does not follow then ends. */
  history = new Map<string, string>();

  async targets(): Promise<LogTarget[]> {
    return this.targetsNow;
  }

  async open(target: LogTarget, options: LogOptions, sink: LogSink): Promise<OpenLog> {
    const stream = new FakeStream(target, options, sink);
    this.streams.push(stream);
    const text = this.history.get(target.containerId);
    if (text) stream.write(text);
    if (!options.follow) stream.end();
    return stream.open;
  }
}

export function target(containerId: string, replica: number, extra: Partial<LogTarget> = {}): LogTarget {
  return { containerId, role: 'image', replica, slot: null, state: 'running', ...extra };
}
