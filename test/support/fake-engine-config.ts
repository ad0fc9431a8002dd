import { DEFAULT_POLICY } from '../../src/api/policy.js';
import type { ControllerConfig } from '../../src/app.js';

/** A controller's configuration for tests that hand it a FakeDocker: its Docker host is never dialled. */
export function fakeEngineConfig(manifests: string, state: string): ControllerConfig {
  return {
    manifests,
    state,
    name: 'default',
    dockerHost: 'unix:///nonexistent/tinyforge-test/docker.sock',
    backend: 'docker',
    dockerTimeoutMs: 1000,
    concurrency: 2,
    allowEmpty: false,
    acceptNewEngine: false,
    policy: DEFAULT_POLICY,
    settleTimeoutMs: 1000,
    portRange: { first: 20000, last: 20099 },
    routes: 'none',
    caddy: { admin: 'http://127.0.0.1:2019', server: 'tinyforge', listen: ':80' },
  };
}
