/** What `tinyforge logs` asks for of one container's log. */
export interface LogOptions {
  /** Keep the stream open for new lines until the container stops or the log is closed. */
  follow: boolean;
  /** Seconds since the epoch (fractions allowed): only lines from then on. */
  sinceSeconds?: number;
  /** Only the last this many lines (per container); all when absent. */
  tail?: number;
}

/** Bytes a container wrote, as the engine sent them: a line, part of one or several, with Docker's timestamps. */
export interface LogChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** Where a log's bytes go: `chunk` per piece the engine sent, `end` once when the stream is over. */
export interface LogSink {
  chunk(chunk: LogChunk): void;
  end(): void;
}

/** A log being read: `ended` resolves when the engine ends it (or the connection breaks); `close` ends it from here. */
export interface OpenLog {
  ended: Promise<void>;
  close(): void;
}

/** One of a workload's owned containers, as `logs` names it. */
export interface LogTarget {
  containerId: string;
  role: string;
  replica: number;
  slot: string | null;
  /** Docker's state (`running`, `exited`, ...). */
  state: string;
}
