import { StringDecoder } from 'node:string_decoder';
import { readDockerEvent } from './docker-event-filter.js';
import type { DockerEventNews } from './docker-event-filter.js';

/** A line longer than this is not an event: dropped, so a stream without newlines cannot fill the memory. */
const MAX_LINE = 1024 * 1024;

/**
 * Turns the event stream's chunks into events. Docker writes one JSON object per line, but
 * a chunk may end inside an object (or inside a UTF-8 character) and may hold several: the
 * rest waits for the next chunk. A line that is not an event is skipped and reported once
 * per stream (`unreadable`): the stream goes on, and the relist the caller does covers
 * what the line may have said.
 */
export class DockerEventLines {
  readonly #decoder = new StringDecoder('utf8');
  #buffer = '';
  #reported = false;

  constructor(
    private readonly controller: string,
    private readonly unreadable: (what: string) => void,
  ) {}

  /** The events completed by this chunk, in order. */
  push(chunk: Buffer | string): DockerEventNews[] {
    this.#buffer += typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    const events: DockerEventNews[] = [];
    for (let newline = this.#buffer.indexOf('\n'); newline >= 0; newline = this.#buffer.indexOf('\n')) {
      const line = this.#buffer.slice(0, newline).trim();
      this.#buffer = this.#buffer.slice(newline + 1);
      if (line !== '') this.#read(line, events);
    }
    if (this.#buffer.length > MAX_LINE) {
      this.#buffer = '';
      this.#report(`a line of over ${MAX_LINE} bytes`);
    }
    return events;
  }

  #read(line: string, events: DockerEventNews[]): void {
    const news = readDockerEvent(line, this.controller);
    if (news) events.push(news);
    else this.#report(JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line));
  }

  #report(what: string): void {
    if (this.#reported) return;
    this.#reported = true;
    this.unreadable(what);
  }
}
