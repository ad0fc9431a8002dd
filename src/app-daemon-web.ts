import type http from 'node:http';
import { startHealthServer } from './adapters/health-server.js';
import type { Health } from './adapters/health-server.js';
import type { DaemonLog, PassReporter } from './adapters/pass-reporter.js';
import type { Controller } from './app.js';
import type { DaemonConfig, Scan } from './app-daemon.js';

/** What the long-running controller serves on `--health-addr`. */
export interface HealthAddress {
  /** After a pass: the status page's open event streams get the new page. */
  changed(): void;
  close(): void;
}

/**
 * `/healthz`, `/readyz`, `/metrics` and the status page on `address`, behind `token` when
 * one is given. The page's code is read only by a controller that serves it.
 */
export async function serveHealthAddress(
  address: { host: string; port: number },
  token: string | undefined,
  controller: Controller,
  health: Health,
  log: DaemonLog,
): Promise<HealthAddress> {
  const { statusWeb } = await import('./adapters/status-web.js');
  const page = statusWeb(() => controller.state);
  let server: http.Server;
  try {
    server = await startHealthServer(address, health, { ...(token ? { token } : {}), routes: page.routes });
  } catch (error) {
    page.close();
    throw error;
  }
  return {
    changed() {
      // The page is a view: one that cannot be drawn never fails the pass it follows.
      try {
        page.changed();
      } catch (error) {
        log.err(`status page: ${error instanceof Error ? error.message : String(error)}`, 'error');
      }
    },
    close() {
      page.close();
      server.close();
    },
  };
}

/**
 * Live while passes keep coming; ready after a full pass, with Docker reachable, its
 * event stream up and the state file written.
 */
export function daemonHealth(config: DaemonConfig, controller: Controller, scan: Scan, reporter: PassReporter): Health {
  const { metrics } = reporter;
  return {
    live: () => Date.now() - reporter.lastActivity < 2 * config.resyncMs + 60_000,
    ready: () =>
      scan.fullPassDone &&
      controller.state.controller.docker.reachable &&
      controller.state.controller.docker.lastError === null &&
      scan.eventsDown === null &&
      reporter.stateWritten,
    notReadyBecause() {
      if (!scan.fullPassDone) return 'the first full pass has not finished';
      const docker = controller.state.controller.docker;
      if (!docker.reachable) return `Docker is unreachable: ${docker.lastError}`;
      if (docker.lastError !== null) return docker.lastError;
      if (scan.eventsDown !== null) return `Docker's event stream is down: ${scan.eventsDown}`;
      return reporter.writeError ?? undefined;
    },
    ...(metrics ? { metrics: { contentType: metrics.contentType, text: () => metrics.render(controller.state) } } : {}),
  };
}
