import { Duplex } from 'node:stream';
import { DockerUnreachableError } from '../reconcile/docker-port.js';

/** The part of an ssh2 exec channel this socket uses (ssh2 ships no types). */
export type ExecChannel = NodeJS.ReadWriteStream & {
  stderr: NodeJS.ReadableStream;
  close(): void;
};

/**
 * The stdio of `docker system dial-stdio` on the remote host (an ssh exec channel) as
 * the socket an http.Agent hands to a request: bytes both ways, plus the socket methods
 * the agent calls on a kept-alive socket: an idle timeout (so the agent can close a
 * connection nobody uses), the rest with nothing to tune on a channel. A
 * channel that ends having sent nothing back and with an exit status or stderr — no
 * docker on the remote, no engine behind it — fails with what the remote said, so the
 * request does not end in a bare "socket hang up".
 */
export class DialStdioSocket extends Duplex {
  readonly #channel: ExecChannel;
  readonly #where: string;
  #stderr = '';
  #exitCode: number | undefined;
  #answered = false;
  #idleMs = 0;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(channel: ExecChannel, where: string) {
    super();
    this.#channel = channel;
    this.#where = where;
    channel.on('data', (chunk: Buffer) => {
      this.#answered = true;
      this.#armIdle();
      if (!this.push(chunk)) channel.pause();
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-2000);
    });
    channel.on('exit', (code: number | null) => {
      this.#exitCode = code ?? undefined;
    });
    channel.on('error', (error: Error) => this.destroy(error));
    channel.on('close', () => this.#channelClosed());
  }

  #channelClosed(): void {
    const said = this.#stderr.trim();
    if (!this.#answered && (said !== '' || (this.#exitCode ?? 0) !== 0)) {
      const status = this.#exitCode === undefined ? '' : ` (exit ${this.#exitCode})`;
      this.destroy(
        new DockerUnreachableError(
          `'docker system dial-stdio' failed on ${this.#where}${status}: ${said || 'no output'} (the remote needs the docker CLI and access to its engine)`,
        ),
      );
      return;
    }
    this.push(null);
    // A kept-alive socket whose channel is gone must leave the agent's pool: close once read.
    if (this.readableLength === 0) this.destroy();
    else this.once('end', () => this.destroy());
  }

  override _read(): void {
    this.#channel.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#armIdle();
    this.#channel.write(chunk, (error?: Error | null) => callback(error));
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#channel.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#idleTimer);
    this.#channel.close();
    callback(error);
  }

  setKeepAlive(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  /** As net.Socket's: 'timeout' after `ms` without a byte either way (0: never). */
  setTimeout(ms: number, callback?: () => void): this {
    this.#idleMs = ms;
    if (callback) this.once('timeout', callback);
    this.#armIdle();
    return this;
  }

  get timeout(): number {
    return this.#idleMs;
  }

  #armIdle(): void {
    clearTimeout(this.#idleTimer);
    if (this.#idleMs <= 0 || this.destroyed) return;
    this.#idleTimer = setTimeout(() => this.emit('timeout'), this.#idleMs);
    this.#idleTimer.unref();
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}
