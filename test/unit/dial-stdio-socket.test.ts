import { once } from 'node:events';
import { Duplex, PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DialStdioSocket, type ExecChannel } from '../../src/adapters/dial-stdio-socket.js';
import { DockerUnreachableError } from '../../src/reconcile/docker-port.js';

type TestChannel = ExecChannel & Duplex & { stderr: PassThrough; written: string[]; closeCalled: boolean };

/** An exec channel's shape: what the remote sends is pushed by the test, what is written is kept. */
function channel(): TestChannel {
  const written: string[] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk.toString());
      callback();
    },
  });
  return Object.assign(stream, {
    stderr: new PassThrough(),
    written,
    closeCalled: false,
    close(this: TestChannel) {
      this.closeCalled = true;
    },
  }) as never;
}

describe('the stdio of docker system dial-stdio as an HTTP socket', () => {
  it('passes bytes both ways and closes the channel when destroyed', async () => {
    const ch = channel();
    const socket = new DialStdioSocket(ch, 'deploy@host:22');
    socket.write('GET /_ping HTTP/1.1\r\n\r\n');
    expect(ch.written).toEqual(['GET /_ping HTTP/1.1\r\n\r\n']);
    ch.push('HTTP/1.1 200 OK\r\n\r\nOK');
    const [chunk] = await once(socket, 'data');
    expect(String(chunk)).toContain('200 OK');
    socket.destroy();
    expect(ch.closeCalled).toBe(true);
  });

  it('says what the remote said when the channel ends without an answer (no docker there)', async () => {
    const ch = channel();
    const socket = new DialStdioSocket(ch, 'deploy@host:22');
    const failed = once(socket, 'error');
    ch.stderr.write("env: 'docker': No such file or directory\n");
    ch.emit('exit', 127);
    await new Promise((resolve) => setImmediate(resolve));
    ch.emit('close');
    const [error] = await failed;
    expect(error).toBeInstanceOf(DockerUnreachableError);
    expect((error as Error).message).toBe(
      "'docker system dial-stdio' failed on deploy@host:22 (exit 127): env: 'docker': No such file or directory (the remote needs the docker CLI and access to its engine)",
    );
  });

  it('ends and closes once the channel closes after answering, so a kept-alive socket leaves the pool', async () => {
    const ch = channel();
    const socket = new DialStdioSocket(ch, 'deploy@host:22');
    socket.resume();
    ch.push('HTTP/1.1 200 OK\r\n\r\n');
    ch.emit('exit', 0);
    ch.emit('close');
    await once(socket, 'close');
    expect(socket.destroyed).toBe(true);
  });

  it('times out after that long without a byte either way, as a socket does (the agent closes idle ones)', async () => {
    const socket = new DialStdioSocket(channel(), 'deploy@host:22');
    expect(socket.timeout).toBe(0);
    let timedOut = 0;
    socket.setTimeout(60, () => timedOut++);
    expect(socket.timeout).toBe(60);
    await new Promise((resolve) => setTimeout(resolve, 40));
    socket.write('x'); // activity restarts the clock
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(timedOut).toBe(0);
    await once(socket, 'timeout');
    expect(timedOut).toBe(1);
    socket.destroy();
  });
});
