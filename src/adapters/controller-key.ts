import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The controller key file holds something else than a key: the operator must look. */
export class ControllerKeyError extends Error {
  readonly code = 'KEY_INVALID';
}

/** `controller.key` beside the state file. */
export function controllerKeyPath(stateFile: string): string {
  return path.join(path.dirname(stateFile), 'controller.key');
}

/**
 * The controller's secret key: read it, or (when `create`) make 32 random bytes, mode
 * 0600, on first run. `plan` never creates it: without a key nothing counts as owned.
 */
export function loadControllerKey(
  stateFile: string,
  create: boolean,
  onCreate: (file: string) => void = () => undefined,
): Buffer | undefined {
  const file = controllerKeyPath(stateFile);
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(text))
      throw new ControllerKeyError(
        `${file} is not a tinyforge controller key (64 hex digits): restore it from a backup, or remove it to make a new one (what the old key signed is then foreign)`,
      );
    return Buffer.from(text, 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !create) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  try {
    fs.writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    onCreate(file);
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadControllerKey(stateFile, false);
    throw error;
  }
  return key;
}
