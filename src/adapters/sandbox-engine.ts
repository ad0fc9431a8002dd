import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The files tinyforge ships for its sandbox (src/sandbox/, copied to dist/sandbox/ by the
 * build): the engine script, the demo image's program and the demo's manifests.
 */
export const SANDBOX_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../sandbox');

/** The sandbox engine could not be started; the message says what is needed. */
export class SandboxEngineError extends Error {
  readonly code = 'SANDBOX_ENGINE';
}

/**
 * A private Docker engine in `dir` (its socket, data root and exec root), run by
 * sandbox/engine.sh: never the user's engine, never their containers.
 */
export class SandboxEngine {
  constructor(readonly dir: string) {}

  /** Installs what is missing (as root), starts the engine from an empty data root, builds the images; answers its DOCKER_HOST. */
  async start(progress: (line: string) => void): Promise<string> {
    const { stdout, stderr, code } = await this.#script(['start', '--fresh'], progress);
    if (code !== 0) throw new SandboxEngineError(lastLine(stderr) ?? `the sandbox engine did not start (exit ${code})`);
    return stdout.trim();
  }

  /** Stops the engine, unmounts what it left and deletes its folder. */
  async remove(progress: (line: string) => void): Promise<void> {
    await this.#script(['remove'], progress);
  }

  #script(
    args: string[],
    progress: (line: string) => void,
  ): Promise<{ stdout: string; stderr: string; code: number | null }> {
    const child = spawn('bash', [path.join(SANDBOX_DIR, 'engine.sh'), ...args], {
      env: { ...process.env, TINYFORGE_ENGINE_DIR: this.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A group of its own: the terminal's Ctrl-C reaches tinyforge, which then removes
      // the engine in order, never a script halfway through apt-get or a start.
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      // Whole lines only: a chunk may end in the middle of one.
      const pending = stderr.slice(stderr.lastIndexOf('\n') + 1) + chunk.toString();
      stderr += chunk.toString();
      for (const line of pending.split('\n').slice(0, -1)) if (line.trim() !== '') progress(line);
    });
    return new Promise((resolve) => child.on('close', (code) => resolve({ stdout, stderr, code })));
  }
}

function lastLine(text: string): string | undefined {
  return text
    .trim()
    .split('\n')
    .at(-1)
    ?.replace(/^engine: /, '');
}
