import fs from 'node:fs';
import http from 'node:http';
import { CONTROL_ACTIONS } from '../api/control.js';
import type { ControlAction, ControlReply } from '../api/control.js';
import { socketPathProblem } from './control-socket.js';

export { controlSocketPath } from './control-socket.js';

/** Answers one request: its HTTP status and reply. Throwing answers 500 with the error's message. */
export type ControlHandler = (action: ControlAction, name: string) => Promise<{ status: number; reply: ControlReply }>;

export interface ControlServer {
  /** Stops listening, ends open requests, and removes the socket. */
  close(): void;
}

/** A request body larger than this is not a NAME: refused. */
const MAX_BODY = 4096;

/**
 * Listens on the unix socket `socketPath`, mode 0600 from the moment it exists (the
 * umask is narrowed around bind). Call it only while holding the state lock: a socket
 * already there is then one a killed controller left, and it is replaced; anything
 * else at that path is refused, never removed.
 */
export async function startControlServer(socketPath: string, handle: ControlHandler): Promise<ControlServer> {
  const problem = socketPathProblem(socketPath);
  if (problem !== undefined) throw new Error(problem);
  if (!removeStaleSocket(socketPath))
    throw new Error(`${socketPath} exists and is not a socket: remove it or move the state file`);
  const server = http.createServer((req, res) => {
    answer(req, handle).then(
      ({ status, reply }) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply)),
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const umask = process.umask(0o177);
    try {
      server.listen(socketPath, () => resolve());
    } finally {
      process.umask(umask);
    }
  });
  fs.chmodSync(socketPath, 0o600);
  return {
    close() {
      server.close();
      server.closeAllConnections();
      fs.rmSync(socketPath, { force: true });
    },
  };
}

/**
 * Removes the socket at `socketPath`: with the state lock held, one a killed controller
 * left. Anything else there is left alone; answers false then.
 */
export function removeStaleSocket(socketPath: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(socketPath);
  } catch {
    return true;
  }
  if (!stat.isSocket()) return false;
  fs.rmSync(socketPath, { force: true });
  return true;
}

/** `POST /v1/<action>` with `{"name": "..."}` handed to `handle`; anything else is a 400 or 404 saying what is expected. */
async function answer(
  req: http.IncomingMessage,
  handle: ControlHandler,
): Promise<{ status: number; reply: ControlReply }> {
  const refuse = (status: number, message: string) => ({
    status,
    reply: { ok: false, workload: null, phase: null, message },
  });
  const action = CONTROL_ACTIONS.find((a) => req.url === `/v1/${a}`);
  if (req.method !== 'POST' || action === undefined)
    return refuse(404, `expected POST /v1/${CONTROL_ACTIONS.join('|')}`);
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > MAX_BODY) return refuse(400, 'request body too large');
  }
  let name: unknown;
  try {
    name = (JSON.parse(body) as { name?: unknown }).name;
  } catch {
    return refuse(400, 'expected a JSON body {"name": NAME}');
  }
  if (typeof name !== 'string' || name === '') return refuse(400, 'expected a JSON body {"name": NAME}');
  try {
    return await handle(action, name);
  } catch (error) {
    return refuse(500, error instanceof Error ? error.message : String(error));
  }
}
