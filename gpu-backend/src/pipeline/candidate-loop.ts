// Runs the candidate batches of one request in order, keeping the best-scoring candidate across batches
// (first on ties, so the winner is the argmax of all returned scores) and stopping early on the deadline.

import { candidateSeed } from "@tinyscale/shared";
import type { HostTensor } from "../onnx/session.js";
import type { BatchSchedule } from "./batch-schedule.js";
import { candidateLatents } from "./latents.js";
import type { Pipeline } from "./pipeline.js";
import type { CandidateScore } from "./types.js";

export interface BatchOutcome<T> {
  scores: number[];
  /** The batch's best row when the graph chose it (vhs: in-graph argmax); default the argmax of scores. */
  bestRow?: number;
  /** What the mode keeps of the batch's best row (hidden state, pixels or latent), built lazily. */
  keep(row: number): T;
}

export interface LoopResult<T> {
  candidates: CandidateScore[];
  chosenIndex: number;
  best: T;
  noise: HostTensor;
}

export function verdictOf(score: number): "yes" | "no" {
  return score > 0 ? "yes" : "no";
}

/** Index of the largest score, first on ties. */
export function argmax(scores: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++)
    if ((scores[i] ?? -Infinity) > (scores[best] ?? -Infinity)) best = i;
  return best;
}

export async function runCandidateBatches<T>(
  pipeline: Pipeline,
  seed: number,
  schedule: BatchSchedule,
  runBatch: (noise: HostTensor) => Promise<BatchOutcome<T>>,
): Promise<LoopResult<T>> {
  const manifest = pipeline.bundle.manifest;
  const candidates: CandidateScore[] = [];
  let best: { score: number; index: number; kept: T; noise: HostTensor } | undefined;
  for (const [b, size] of schedule.sizes.entries()) {
    if (!schedule.mayStart(Date.now(), size, b === 0)) break;
    const first = candidates.length;
    const noise = candidateLatents(manifest, seed, first, size);
    const outcome = await runBatch(noise);
    outcome.scores.forEach((score, k) => {
      candidates.push({
        index: first + k,
        seed: candidateSeed(seed, first + k),
        score,
        verdict: verdictOf(score),
      });
    });
    const row = outcome.bestRow ?? argmax(outcome.scores);
    const score = outcome.scores[row] ?? -Infinity;
    if (!best || score > best.score) {
      const rowNoise: HostTensor = {
        dtype: "float32",
        dims: [1, ...noise.dims.slice(1)],
        data: (noise.data as Float32Array).slice(
          (row * noise.data.length) / size,
          ((row + 1) * noise.data.length) / size,
        ),
      };
      best = { score, index: first + row, kept: outcome.keep(row), noise: rowNoise };
    }
  }
  if (!best) throw new Error("no candidate batch ran");
  return { candidates, chosenIndex: best.index, best: best.kept, noise: best.noise };
}
