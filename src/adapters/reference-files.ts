import { createHmac } from 'node:crypto';
import type { Reference } from '../api/workload.js';
import { parseDotenv } from '../manifest/dotenv.js';
import { safeReadText } from './safe-read.js';

/** A keyed digest of a referenced file's bytes: the spec hash follows the content, and reveals nothing of it. */
export function referenceDigest(key: Buffer | undefined): (reference: Reference) => string {
  const secret = key ?? Buffer.alloc(32);
  return (reference) => {
    const read = safeReadText(reference.path);
    const content = 'text' in read ? read.text : `unreadable: ${read.error}`;
    return createHmac('sha256', secret).update(content).digest('hex').slice(0, 16);
  };
}

/** An env file's variables. Values are secrets: they go into Docker's create request and nowhere else. */
export function readEnvFile(reference: Reference): Map<string, string> {
  const read = safeReadText(reference.path);
  if ('error' in read) throw new Error(`env file ${reference.field}: ${read.error}`);
  return parseDotenv(read.text).values;
}
