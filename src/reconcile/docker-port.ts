import type { ObservedContainer } from '../api/observed-container.js';
import type { ContainerSpec } from './container-spec.js';

/** What creating one container takes: its name, spec, labels and the resolved environment. */
export interface CreateRequest {
  name: string;
  spec: ContainerSpec;
  /** User labels and the signed tinyforge labels. */
  labels: Record<string, string>;
  /** `KEY=value` entries: env files first, then `env` (which wins). Holds secrets: never log it. */
  env: string[];
}

/**
 * tinyforge's only way to Docker. Every method has a timeout; throwing
 * DockerUnreachableError means the engine did not answer (the tick reports
 * `docker.reachable: false`), any other throw is that one call failing.
 */
export interface DockerPort {
  /**
   * Every container with the `tinyforge.managed=true` label, in one call. Any throw is a
   * failed read: the tick sweeps, prunes and recreates nothing on it (adapters throw
   * DockerUnreachableError for every failed list, whatever the engine answered).
   */
  list(): Promise<ObservedContainer[]>;
  /**
   * The engine's identity: `GET /info`'s `ID` and data root, as `<ID>@<DockerRootDir>`.
   * Another host, or another engine on this host, answers another one; so does a swapped
   * data root on Docker 23 and later (which keeps the ID in the data root; 20.10 keeps it
   * in /etc/docker/key.json, so a data root swapped at the same path answers the same).
   */
  engineId(): Promise<string>;
  /** Whether the image is on the host. */
  imagePresent(image: string): Promise<boolean>;
  /** Pulls the image; an error reported inside the progress stream is a failed pull. */
  pull(image: string): Promise<void>;
  /** Creates the container and answers its id; a taken name throws NameConflictError. */
  create(request: CreateRequest): Promise<string>;
  /** Starts it; already running counts as started. */
  start(id: string): Promise<void>;
  /** Stops it, SIGKILL after `timeoutSeconds`; already stopped or gone counts as stopped. */
  stop(id: string, timeoutSeconds: number): Promise<void>;
  /** Removes it (with its anonymous volumes); gone or removal already in progress counts as removed. */
  remove(id: string): Promise<void>;
}

/** The engine did not answer (refused, no socket, timed out), or answered a list with an error. */
export class DockerUnreachableError extends Error {
  readonly code = 'DOCKER_UNREACHABLE';
}

/** A container of that name exists already. */
export class NameConflictError extends Error {
  readonly code = 'NAME_CONFLICT';
}

/** The image is not on the host (and may not be pulled, or the pull failed). */
export class ImageUnavailableError extends Error {
  readonly code = 'IMAGE_UNAVAILABLE';
}

/** A request asked Docker for what the operator's policy does not allow. */
export class PolicyViolationError extends Error {
  readonly code = 'POLICY_VIOLATION';
}
