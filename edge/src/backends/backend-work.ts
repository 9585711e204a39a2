// What a request costs a backend's queue, from the backend's profile, counted as the batching scheduler
// counts it when it admits (gpu-backend/src/scheduler/cost-model.ts, leastWorkMs): a vhs request shares
// graph batches, so its least work is one candidate's share of a full propose batch plus its share of a
// finish run of finishChunk winners (as the backend finishes them), and its prompt's encoding unless the
// backend likely has it cached; its image encoding runs beside the graphs and is not queue work. Other
// modes run whole. The edge predicts the backend's wait with these figures (backend-pool.ts) and refuses
// what the backend would refuse (admit-for-backend.ts).
import { finishChunk, type Profile, predictMs, stageMs, type Verifier } from "@tinyscale/shared";

export interface BackendWork {
  /** The least the backend runs for it: `candidates` candidates and the request's own work. */
  leastWorkMs: number;
  /** The graph run a request may find in progress when it arrives (a full propose batch for vhs). */
  stepMs: number;
}

function stage(profile: Profile, name: string, batch: number): number {
  const timings = profile.stages[name];
  return timings ? stageMs(timings, batch) : 0;
}

/** `promptCached`: the backend was sent this prompt recently (BackendPool.promptCached), so it skips encoding it. */
export function backendWork(
  profile: Profile,
  verifier: Verifier,
  candidates: number,
  promptCached = false,
): BackendWork {
  if (verifier !== "vhs")
    return { leastWorkMs: predictMs(profile, verifier, candidates).total_ms, stepMs: 0 };
  const batch = Math.max(1, profile.max_batch);
  const proposeRowMs = stage(profile, "propose", batch) / batch;
  const chunk = finishChunk(profile.stages.finish, batch);
  const requestMs =
    stage(profile, "finish", chunk) / chunk + (promptCached ? 0 : stage(profile, "text_encode", 1));
  return { leastWorkMs: candidates * proposeRowMs + requestMs, stepMs: stage(profile, "propose", batch) };
}
