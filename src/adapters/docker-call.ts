import { DockerUnreachableError, ImageUnavailableError, NameConflictError } from '../reconcile/docker-port.js';

/** Errors a call's own code throws on purpose: they pass through as they are. */
const OWN = [DockerUnreachableError, NameConflictError, ImageUnavailableError];
const UNREACHABLE = [
  'ECONNREFUSED',
  'ENOENT',
  'EACCES',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'ENOTFOUND',
];

/**
 * Runs one Engine API call under a deadline (the containers' port and the Swarm port
 * share it). No answer, a refused or missing socket: DockerUnreachableError; any other
 * failure names the call.
 */
export async function callDocker<T>(
  host: string,
  what: string,
  timeoutMs: number,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DockerUnreachableError(`Docker did not answer within ${Math.round(timeoutMs / 1000)}s (${what})`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([fn(controller.signal), deadline]);
  } catch (error) {
    if (OWN.some((kind) => error instanceof kind)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code && UNREACHABLE.includes(code)) throw new DockerUnreachableError(`cannot reach Docker at ${host}: ${code}`);
    throw new Error(`${what}: ${messageOf(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

export function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | null)?.statusCode;
}

/** The engine's own message when it sent one, else the error's. */
export function messageOf(error: unknown): string {
  const json = (error as { json?: { message?: string } } | null)?.json;
  return json?.message ?? (error instanceof Error ? error.message : String(error));
}
