import { Ajv2020 } from 'ajv/dist/2020.js';
import fs from 'node:fs';
import path from 'node:path';

const stateSchema = JSON.parse(
  fs.readFileSync(path.resolve(import.meta.dirname, '../../schemas/state.schema.json'), 'utf8'),
);
const validateState = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(stateSchema);

/**
 * Reads a state file every `everyMs` while controllers write it, as a script would: each
 * read must parse and validate against schemas/state.schema.json (compiled here, not by
 * the product). A file not there yet (before the first write) is no problem.
 */
export class StateReader {
  reads = 0;
  absent = 0;
  distinct = 0;
  readonly problems: string[] = [];
  #last = '';

  /** The last version read, as text ('' before the first). */
  get latest(): string {
    return this.#last;
  }
  #timer: NodeJS.Timeout | undefined;
  #reading: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly everyMs = 25,
  ) {}

  start(): void {
    const tick = () => {
      this.#reading = this.#read().finally(() => {
        if (this.#timer) this.#timer = setTimeout(tick, this.everyMs);
      });
    };
    this.#timer = setTimeout(tick, this.everyMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#reading;
  }

  async #read(): Promise<void> {
    let text: string;
    try {
      text = await fs.promises.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && this.reads === 0) this.absent++;
      else this.problems.push(`cannot read: ${(error as Error).message}`);
      return;
    }
    this.reads++;
    if (text === this.#last) return;
    this.#last = text;
    this.distinct++;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      this.problems.push(`torn (${text.length} bytes): ${(error as Error).message}`);
      return;
    }
    if (!validateState(data)) this.problems.push(`not a state: ${JSON.stringify(validateState.errors?.slice(0, 3))}`);
  }
}
