import type { DockerPort } from './docker-port.js';

/** A DockerPort that counts its calls, per method, for `lastTick.dockerCalls` and for tests. */
export class CountingPort implements DockerPort {
  readonly calls: Record<string, number> = {};
  readonly #port: DockerPort;

  constructor(port: DockerPort) {
    this.#port = port;
  }

  get total(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  /** Calls that change something in Docker. */
  get mutations(): number {
    return ['pull', 'create', 'start', 'stop', 'remove'].reduce((sum, m) => sum + (this.calls[m] ?? 0), 0);
  }

  #count(method: string): void {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
  }

  list = () => {
    this.#count('list');
    return this.#port.list();
  };
  engineId = () => {
    this.#count('engineId');
    return this.#port.engineId();
  };
  imagePresent = (image: string) => {
    this.#count('imagePresent');
    return this.#port.imagePresent(image);
  };
  pull = (image: string) => {
    this.#count('pull');
    return this.#port.pull(image);
  };
  create = (request: Parameters<DockerPort['create']>[0]) => {
    this.#count('create');
    return this.#port.create(request);
  };
  start = (id: string) => {
    this.#count('start');
    return this.#port.start(id);
  };
  stop = (id: string, timeoutSeconds: number) => {
    this.#count('stop');
    return this.#port.stop(id, timeoutSeconds);
  };
  remove = (id: string) => {
    this.#count('remove');
    return this.#port.remove(id);
  };
}
