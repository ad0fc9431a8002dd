import { StringDecoder } from 'node:string_decoder';
import type { LogSink } from '../api/container-log.js';

/** The tasks of a service by id, as far as the last task list knows them, and a way to list them again. */
export interface TaskSlots {
  /** The slot (replica) a task fills; undefined for a task the last list did not show. */
  slotOf(taskId: string): number | undefined;
  /** Lists the service's tasks again (a task that started since); a failed list leaves what was known. */
  refresh(): Promise<void>;
}

/** One line of a service's log: Docker's timestamp, the task that wrote it and the program's text. */
export interface ServiceLogLine {
  at: string;
  taskId: string;
  text: string;
}

const TASK_ID = 'com.docker.swarm.task.id=';

/**
 * Reads a service log line, `<timestamp> <details> <text>`, the details being Swarm's
 * comma-separated `key=value` attributes; undefined when it names no task.
 */
export function parseServiceLine(line: string): ServiceLogLine | undefined {
  const [at = '', details = '', ...text] = line.split(' ');
  const attribute = details.split(',').find((part) => part.startsWith(TASK_ID));
  if (attribute === undefined) return undefined;
  return { at, taskId: decodeURIComponent(attribute.slice(TASK_ID.length)), text: text.join(' ') };
}

/**
 * A sink for a service's log that hands on the lines of one slot only, as a container's
 * log would have them (`<timestamp> <text>`). A line of a task the list did not know (it
 * started since) waits, with every later line, for the list to be read again; a task
 * still unknown then is one gone from Swarm's history, and its lines are left out.
 */
export function slotSink(slot: number, tasks: TaskSlots, sink: LogSink): LogSink {
  const rest = { stdout: '', stderr: '' };
  // A character may be split between two chunks.
  const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  const held: { stream: 'stdout' | 'stderr'; line: ServiceLogLine }[] = [];
  let ended = false;
  const pass = (stream: 'stdout' | 'stderr', line: ServiceLogLine) => {
    if (tasks.slotOf(line.taskId) === slot) sink.chunk({ stream, data: Buffer.from(`${line.at} ${line.text}\n`) });
  };
  const drain = () => {
    for (const { stream, line } of held.splice(0)) pass(stream, line);
  };
  const route = (stream: 'stdout' | 'stderr', text: string) => {
    const line = parseServiceLine(text);
    if (line === undefined) return;
    if (held.length === 0 && tasks.slotOf(line.taskId) !== undefined) return pass(stream, line);
    held.push({ stream, line });
    if (held.length === 1) void tasks.refresh().then(() => ended || drain());
  };
  return {
    chunk: ({ stream, data }) => {
      const parts = (rest[stream] + decoders[stream].write(data)).split('\n');
      rest[stream] = parts.pop() ?? '';
      for (const part of parts) route(stream, part);
    },
    end: () => {
      for (const stream of ['stdout', 'stderr'] as const) if (rest[stream] !== '') route(stream, rest[stream]);
      ended = true;
      drain();
      sink.end();
    },
  };
}
