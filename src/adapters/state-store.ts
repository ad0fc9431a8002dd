import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { Low } from 'lowdb';
import type { Adapter } from 'lowdb';
import type { ControllerState } from '../api/state-types.js';
import { CoalescingWriter } from './coalescing-writer.js';
import { CorruptStateError, DurableJsonFile } from './durable-json-file.js';
import { notAState } from './state-validator.js';

/**
 * The state file through lowdb, with tinyforge's durable adapter (never JSONFilePreset:
 * it turns into memory under NODE_ENV=test). Writes are skipped when nothing changed.
 */
export class StateStore {
  readonly file: string;
  readonly #db: Low<ControllerState>;
  readonly #adapter: Adapter<ControllerState>;
  #written: string | undefined;
  #heartbeatWritten: string | undefined;
  readonly #writer = new CoalescingWriter((job: { state: ControllerState; options: SaveOptions }) =>
    this.#save(job.state, job.options),
  );

  /** `adapter` replaces the durable file (tests inject one that fails). */
  constructor(file: string, defaults: ControllerState, adapter: Adapter<ControllerState> = stateFile(file)) {
    this.file = file;
    this.#adapter = adapter;
    this.#db = new Low<ControllerState>(adapter, defaults);
  }

  /**
   * Reads the state file. A corrupt one (JSON that does not parse, or that is not a
   * state) is moved aside (`state.json.corrupt-<time>`) and the defaults are used, to be
   * rebuilt from owned containers and manifests; answers where it was moved and why.
   * Temp files a killed write left beside it are removed first (`removedTemps`): call
   * it holding the state lock.
   */
  async load(now: Date): Promise<LoadResult> {
    const removedTemps = this.#adapter instanceof DurableJsonFile ? await this.#adapter.removeLeftoverTemps() : [];
    return { ...(await this.#read(now)), removedTemps };
  }

  async #read(now: Date): Promise<Omit<LoadResult, 'removedTemps'>> {
    try {
      const existed = await fs.stat(this.file).then(
        () => true,
        () => false,
      );
      await this.#db.read();
      // A state file that does not exist yet must be written even if it would equal the defaults.
      this.#written = existed ? steady(this.#db.data) : undefined;
      this.#heartbeatWritten = this.#db.data.controller?.heartbeatAt;
      return { state: this.#db.data };
    } catch (error) {
      if (!(error instanceof CorruptStateError)) throw error;
      const aside = `${this.file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
      await fs.rename(this.file, aside);
      return { state: this.#db.data, movedAside: { file: aside, why: error.why } };
    }
  }

  /**
   * Writes the state atomically when its content changed, answering whether it wrote.
   * The heartbeat and the last tick's figures change every tick: alone, they are written
   * only when the last write is older than `heartbeatEveryMs`. Saves that arrive while
   * one is being written are coalesced into the newest; a failed write leaves the file
   * as it was and counts as not written, so the next save writes whatever it holds.
   */
  save(state: ControllerState, options: SaveOptions = {}): Promise<boolean> {
    return this.#writer.write({ state, options });
  }

  async #save(state: ControllerState, options: SaveOptions): Promise<boolean> {
    const text = steady(state);
    if (text === this.#written) {
      const last = Date.parse(this.#heartbeatWritten ?? '');
      const now = (options.now ?? new Date()).getTime();
      if (options.heartbeatEveryMs === undefined || now - last < options.heartbeatEveryMs) return false;
    }
    this.#db.data = state;
    await this.#db.write();
    this.#written = text;
    this.#heartbeatWritten = state.controller.heartbeatAt;
    return true;
  }
}

interface LoadResult {
  state: ControllerState;
  movedAside?: { file: string; why: string };
  removedTemps: string[];
}

interface SaveOptions {
  heartbeatEveryMs?: number;
  now?: Date;
}

/**
 * The state file read for display (status, wait) and for `plan`: never moved, never
 * written. Throws CorruptStateError when it is not valid JSON or not a state.
 */
export async function readStateFile(file: string): Promise<ControllerState | undefined> {
  return (await stateFile(file).read()) ?? undefined;
}

/** The state file's adapter: durable JSON that must be a state (schemas/state.schema.json). */
function stateFile(file: string): DurableJsonFile<ControllerState> {
  return new DurableJsonFile<ControllerState>(file, { check: notAState });
}

/**
 * A digest of the state without what changes every tick (the heartbeat, and the last
 * tick's figures): what is compared to decide whether to write. A digest, not the text:
 * at 1,000 workloads the text is megabytes the controller would hold for nothing.
 */
function steady(state: ControllerState): string {
  return createHash('sha256')
    .update(JSON.stringify({ ...state, controller: { ...state.controller, heartbeatAt: null, lastTick: null } }))
    .digest('hex');
}
