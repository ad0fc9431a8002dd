export interface StreamWatchdogOptions {
  /** How long the stream may deliver nothing before the engine is asked what it had for us. */
  silenceMs: number;
  /**
   * How many events the engine has for this controller from `sinceMs` until `untilMs`
   * (the epoch's milliseconds): a finite call with its own deadline. Throwing counts as
   * a stalled stream too (the engine does not answer).
   */
  missedBetween(sinceMs: number, untilMs: number): Promise<number>;
  /** The stream is silent while the engine had events for it, or the engine did not answer: drop it and reconnect. */
  stalled(reason: string): void;
}

/**
 * Watches a live event stream for silence. Docker's stream has no keep-alive, so
 * silence alone may be an idle engine: after `silenceMs` of nothing the watchdog asks
 * the engine, in one bounded call, for the events it had for us since the stream last
 * spoke (or since the last such check), up to a second ago (a live stream delivers in
 * milliseconds). None: the stream is idle and sound. Any: the stream stalled (it stays
 * open and sends nothing), found at most about twice `silenceMs` after the first event
 * it missed.
 */
export class StreamWatchdog {
  /** From when on nothing was delivered and nothing is known to be missed. */
  #quietSince = 0;
  #timer: NodeJS.Timeout | undefined;
  #checking = false;

  constructor(private readonly options: StreamWatchdogOptions) {}

  /** A stream was (re)connected: watch it from now on. */
  start(): void {
    this.stop();
    this.#quietSince = Date.now();
    this.#timer = setInterval(() => void this.#check(), this.options.silenceMs / 2);
    this.#timer.unref?.();
  }

  /** The stream delivered something. */
  heard(): void {
    this.#quietSince = Date.now();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #check(): Promise<void> {
    const since = this.#quietSince;
    const now = Date.now();
    if (this.#checking || now - since < this.options.silenceMs) return;
    // Events younger than this may still be on their way through a sound stream.
    const until = now - Math.min(1000, this.options.silenceMs / 2);
    this.#checking = true;
    let reason: string | undefined;
    try {
      const missed = await this.options.missedBetween(since, until);
      // The stream spoke while we asked: it is alive, and what it said may be what we counted.
      if (this.#quietSince !== since) return;
      if (missed === 0) this.#quietSince = until;
      else
        reason = `Docker event stream stalled: nothing for ${Math.round((now - since) / 1000)}s while the engine had ${missed} event${missed === 1 ? '' : 's'} for this controller`;
    } catch (error) {
      reason = `Docker event stream silent and the engine did not answer: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      this.#checking = false;
    }
    if (reason !== undefined && this.#timer !== undefined) {
      this.stop();
      this.options.stalled(reason);
    }
  }
}
