import http from 'node:http';
import type { ControlAction, ControlReply } from '../api/control.js';
import { socketPathProblem } from './control-socket.js';

/** No controller answers on the socket: none runs with this state file (or it was killed). */
export class ControllerNotRunningError extends Error {
  readonly code = 'CONTROLLER_NOT_RUNNING';
}

/**
 * Asks the controller listening on `socketPath` to do `action` on NAME and answers its
 * reply. No socket, or one nobody listens on, throws ControllerNotRunningError at once;
 * no answer within `timeoutMs` throws too (a controller that hangs never hangs the command).
 */
export function askController(
  socketPath: string,
  action: ControlAction,
  name: string,
  timeoutMs: number,
): Promise<ControlReply> {
  return new Promise((resolve, reject) => {
    const problem = socketPathProblem(socketPath);
    if (problem !== undefined) return reject(new ControllerNotRunningError(problem));
    const req = http.request({ socketPath, method: 'POST', path: `/v1/${action}`, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('error', reject);
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as ControlReply);
        } catch {
          reject(new Error(`the controller answered something that is not a reply (HTTP ${res.statusCode})`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`the controller did not answer within ${timeoutMs / 1000}s`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      const gone = error.code === 'ENOENT' || error.code === 'ECONNREFUSED';
      reject(gone ? new ControllerNotRunningError(`nothing listens on ${socketPath}`) : error);
    });
    req.end(JSON.stringify({ name }));
  });
}
