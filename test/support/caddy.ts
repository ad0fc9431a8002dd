import http from 'node:http';

export { CaddyProcess, freePort } from '../../src/adapters/caddy-process.js';

/** An HTTP GET to 127.0.0.1:`port` for `host` (fetch may not set Host): status and body. */
export function getVia(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // A connection of its own: Caddy closes idle ones when its configuration changes.
    const request = http.get(
      { host: '127.0.0.1', port, path: '/', headers: { host }, timeout: 2000, agent: false },
      (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}
