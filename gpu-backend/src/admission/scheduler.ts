// What the HTTP layer needs of a scheduler, whichever runs: the batching one (default) or the legacy FIFO
// of whole requests (TINYSCALE_SCHEDULER=legacy, kept to compare the two under load).

import type { GenerationResult } from "../pipeline/types.js";
import type { Admission, JobRunner } from "./admission-queue.js";

export type SchedulerName = "batched" | "legacy";

export interface Scheduler {
  readonly name: SchedulerName;
  /** Requests admitted but not yet running (legacy) or beyond one batch per worker (batched). */
  readonly depth: number;
  /**
   * Requests running: on a worker (legacy) or within one batch per worker (batched). With `depth`, every
   * request admitted and not answered yet, each counted once.
   */
  readonly inFlight: number;
  /**
   * The most requests it holds at once, queued and running: one more is refused with 503 overloaded.
   * Reported on /healthz, so that an edge refuses the excess itself before reserving anything.
   */
  readonly capacity: number;
  /** Predicted ms before a newly admitted one-candidate request would have its candidate. */
  estimatedWaitMs(): number;
  /**
   * What its admission check adds for a new request besides the work owed and the request's own least work,
   * and the factor its costs are scaled by now (batched only): reported on /healthz, so that an edge's own
   * check refuses what this one would.
   */
  admissionTerms?(): { leadMs: number; slowdown: number };
  submit(admission: Admission): Promise<{ result: GenerationResult; queueMs: number }>;
  attach(runner: JobRunner): void;
  capacityChanged(): void;
  abort(error: Error): void;
  drain(): Promise<void>;
}
