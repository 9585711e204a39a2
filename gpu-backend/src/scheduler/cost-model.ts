// What a vhs request costs the worker it shares with others, from the measured profile: a graph batch of B
// rows costs propose(B) whoever's rows they are, so a request's share of a full batch is propose(B)/B; its
// finishing (winner → pixels) is shared the same way; its text encoding and image encoding are its own.
// Without a profile every cost is 0: nothing is refused or cut, as before measuring.

import { finishChunk, stageMs } from "@tinyscale/shared";
import type { ProfileStages } from "../pipeline/batch-schedule.js";

/** Kept back from a deadline for what no profile measures (HTTP, JSON, thread hops). */
export const DEADLINE_SLACK_MS = 8;

/**
 * A profile's stage times at every batch size up to the largest, computed once per profile: the scheduler
 * asks for them many times a step (per request and per candidate batch size), and interpolating the
 * profile's table on every call was a measurable share of the worker's time under load.
 */
class StageTable {
  private readonly rows = new Map<string, Float64Array>();

  constructor(
    private readonly stages: ProfileStages,
    private readonly maxBatch: number,
  ) {}

  /** Unscaled ms of `name` at `batch` rows (0 when the profile lacks the stage). */
  ms(name: string, batch: number): number {
    const timings = this.stages[name];
    if (!timings || batch <= 0) return 0;
    if (batch > this.maxBatch) return stageMs(timings, batch);
    let row = this.rows.get(name);
    if (!row) {
      row = new Float64Array(this.maxBatch + 1);
      for (let b = 1; b <= this.maxBatch; b++) row[b] = stageMs(timings, b);
      this.rows.set(name, row);
    }
    return row[batch] ?? 0;
  }
}

const TABLES = new WeakMap<ProfileStages, Map<number, StageTable>>();

function tableFor(stages: ProfileStages, maxBatch: number): StageTable {
  let bySize = TABLES.get(stages);
  if (!bySize) {
    bySize = new Map();
    TABLES.set(stages, bySize);
  }
  let table = bySize.get(maxBatch);
  if (!table) {
    table = new StageTable(stages, maxBatch);
    bySize.set(maxBatch, table);
  }
  return table;
}

export class CostModel {
  constructor(
    private readonly stages: ProfileStages | undefined,
    readonly maxBatch: number,
    /** How much slower graphs run now than when profiled (others share the machine); 1 = as profiled. */
    readonly slowdown = 1,
    /** Kept back from every deadline: how late answers planned to their deadline recently landed. */
    readonly marginMs = 0,
  ) {}

  get measured(): boolean {
    return this.stages !== undefined;
  }

  private get table(): StageTable | undefined {
    return this.stages && tableFor(this.stages, this.maxBatch);
  }

  private stage(name: string, batch: number): number {
    return (this.table?.ms(name, batch) ?? 0) * this.slowdown;
  }

  /** The same model at another slowdown (and lateness margin). */
  withSlowdown(slowdown: number, marginMs = this.marginMs): CostModel {
    return new CostModel(this.stages, this.maxBatch, slowdown, marginMs);
  }

  /**
   * Winners finished per graph run: the smallest batch whose per-row cost is within 10 % of the best.
   * A finish batch answers its requests together, so a bigger one only adds latency where rows cost the same.
   */
  get finishChunk(): number {
    return finishChunk(this.stages?.finish, this.maxBatch);
  }

  /** One propose graph run over `rows` rows. */
  proposeMs(rows: number): number {
    return this.stage("propose", rows);
  }

  /** One finish graph run over `rows` winners. */
  finishMs(rows: number): number {
    return this.stage("finish", rows);
  }

  /** A winner's share of a finish run of `finishChunk` winners (how the worker finishes them). */
  get finishRowMs(): number {
    const chunk = this.finishChunk;
    return this.finishMs(chunk) / chunk;
  }

  /** Encoding one prompt (text encoder), when its embeddings are not cached yet. */
  get textMs(): number {
    return this.stage("text_encode", 1);
  }

  /** Encoding one image (PNG etc.): off the graph thread (sharp's threads), on each request's way out. */
  get encodeMs(): number {
    return this.stage("image_encode", 1);
  }

  /** A candidate's share of a full propose batch. */
  get proposeRowMs(): number {
    return this.proposeMs(this.maxBatch) / this.maxBatch;
  }

  /**
   * The least graph-thread work a request of `candidates` rows adds when batched with others: its rows'
   * share of full propose batches, its share of a finish run, and its prompt's encoding unless the worker
   * has it cached. Its image encoding is not in it: that runs beside the graphs (sharp's threads) and
   * delays only its own answer, which the way back to the caller (ReturnPath) measures. Counted the same
   * way as the worker counts what it owes (row-allocation.ts), so admission refuses only what the worker
   * could not fit.
   */
  leastWorkMs(candidates: number, promptCached: boolean): number {
    return candidates * this.proposeRowMs + this.finishRowMs + (promptCached ? 0 : this.textMs);
  }

  /** A step's fixed latency: the batch that may be running when a request arrives. */
  get stepMs(): number {
    return this.proposeMs(this.maxBatch);
  }
}
