import type http from 'node:http';
import type { ControllerState } from '../api/state-types.js';
import { PAGE_HEADERS, pageShell } from './status-assets.js';
import { escapeHtml, renderLive } from './status-html.js';
import { statusView } from './status-view.js';
import type { StatusView } from './status-view.js';
import { SSE_HEARTBEAT, sseFrame } from './sse.js';

export interface StatusWebOptions {
  /** How often an idle event stream gets a comment (default 15 s). */
  heartbeatMs?: number;
  now?: () => number;
}

/** The status page's routes on `--health-addr`: `/` (HTML, JSON or text) and `/events`. */
export interface StatusWeb {
  routes(route: string, req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** After a pass: every open event stream gets the new page, when it changed. */
  changed(): void;
  /** Ends every event stream (the server closes only once they are gone). */
  close(): void;
  /** How many browsers follow the page now. */
  openStreams(): number;
}

export function statusWeb(state: () => ControllerState, options: StatusWebOptions = {}): StatusWeb {
  const now = options.now ?? Date.now;
  const clients = new Set<http.ServerResponse>();
  let last = '';
  const live = () => renderLive(statusView(state()), now());
  const heartbeat = setInterval(() => {
    for (const client of clients) send(client, SSE_HEARTBEAT, clients);
  }, options.heartbeatMs ?? 15_000);
  heartbeat.unref();
  return {
    routes(route, req, res) {
      if (route === '/') answerRoot(req, res, state, live);
      else if (route === '/events') openStream(req, res, clients, live());
      else return false;
      return true;
    },
    changed() {
      if (clients.size === 0) return;
      const page = live();
      if (page === last) return;
      last = page;
      const frame = sseFrame('page', page);
      for (const client of clients) send(client, frame, clients);
    },
    close() {
      clearInterval(heartbeat);
      for (const client of clients) client.end();
      clients.clear();
    },
    openStreams: () => clients.size,
  };
}

/** What a stream may hold unread before it is dropped: a few pages' worth. */
export const MAX_UNREAD_BYTES = 1024 * 1024;

/**
 * Writes `text` to an open stream; a browser that stopped reading (its unread bytes past
 * MAX_UNREAD_BYTES) is dropped instead of buffered without end. It loses nothing: each
 * frame is the whole page, and EventSource reconnects and gets the page as it is then.
 */
function send(client: http.ServerResponse, text: string, clients: Set<http.ServerResponse>): void {
  if (client.writableLength > MAX_UNREAD_BYTES) {
    clients.delete(client);
    client.destroy();
    return;
  }
  client.write(text);
}

/** An event stream that starts with the page as it is now and is forgotten when the browser goes. */
function openStream(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  clients: Set<http.ServerResponse>,
  page: string,
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no', // nginx would hold the events back
  });
  // HEAD asks for the headers only: no stream to keep open.
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  res.write(`retry: 3000\n${sseFrame('page', page)}`);
  clients.add(res);
  res.on('close', () => clients.delete(res));
}

/**
 * `/` by what the client accepts: a browser gets the page, `application/json` the
 * page's data, anything else (curl's `*\/*`) a plain-text summary.
 */
function answerRoot(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  state: () => ControllerState,
  live: () => string,
): void {
  const accept = req.headers.accept ?? '';
  // One address, three answers: a cache must keep them apart.
  res.setHeader('vary', 'Accept');
  if (/\btext\/html\b/.test(accept)) {
    const title = escapeHtml(`tinyforge · ${state().controller.name}`);
    res.writeHead(200, PAGE_HEADERS).end(pageShell(title, live()));
  } else if (/\bapplication\/json\b/.test(accept)) {
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(`${JSON.stringify(statusView(state()), null, 2)}\n`);
  } else {
    res
      .writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
      .end(textSummary(statusView(state())));
  }
}

/** One line per workload, as `tinyforge status` prints: for curl. */
export function textSummary(view: StatusView): string {
  const docker = view.controller.docker.reachable ? 'reachable' : 'unreachable';
  const lines = view.workloads.map(
    (w) => `${w.id}\t${w.phase}\t${w.replicas.ready}/${w.replicas.desired}\t${w.message.replace(/\s+/g, ' ')}`,
  );
  return `controller ${view.controller.name}; Docker ${docker}; ${view.workloads.length} workloads (Accept: text/html for the page, application/json for data)\n${lines.join('\n')}\n`;
}
