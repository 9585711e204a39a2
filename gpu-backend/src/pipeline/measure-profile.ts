// Start-up latency profile (contracts §3): after a warm-up run, the median ms of every stage at batch
// sizes 1, 2, 4, … ≤ max batch (plus max batch itself), measured on this machine with synthetic inputs.

import { performance } from "node:perf_hooks";
import { encodeRgb } from "../image/encode-image.js";
import type { HostTensor } from "../onnx/session.js";
import type { ProfileStages } from "./batch-schedule.js";
import { candidateLatents } from "./latents.js";
import type { Pipeline } from "./pipeline.js";
import { PromptRows } from "./prompt-rows.js";
import { repeatBatch, sliceBatch } from "./tensors.js";
import { JobTrace } from "./trace.js";

export function profileBatchSizes(maxBatch: number): number[] {
  const sizes: number[] = [];
  for (let b = 1; b <= maxBatch; b *= 2) sizes.push(b);
  if (sizes[sizes.length - 1] !== maxBatch) sizes.push(maxBatch);
  return sizes;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  // A profile entry must be positive (shared validateProfile); a sub-microsecond stage is rounded up.
  return Math.max(Number((value ?? 0).toFixed(3)), 0.001);
}

/** Median ms of `runs` timed calls after one untimed warm-up call. */
async function measure(runs: number, call: () => Promise<unknown>): Promise<number> {
  await call();
  const times: number[] = [];
  for (let i = 0; i < Math.max(1, runs); i++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  return median(times);
}

export async function measureProfile(p: Pipeline, maxBatch: number, runs: number): Promise<ProfileStages> {
  const trace = new JobTrace(); // profiling runs are not counted as request work
  const manifest = p.bundle.manifest;
  const stages: ProfileStages = {};
  const record = (stage: string, batch: number, ms: number) => {
    stages[stage] = { ...(stages[stage] ?? {}), [String(batch)]: ms };
  };
  const prompt = "a profile of a tiny red fox standing in fresh snow";
  const textMs = await measure(runs, async () => {
    // A fresh prompt per call, so the LRU cache never answers instead of the text encoder.
    await p.textEncode.encode(`${prompt} ${performance.now()}`, trace);
  });
  record("text_encode", 1, textMs);
  const { encoded } = await p.textEncode.encode(prompt, trace);
  const one = candidateLatents(manifest, 0, 0, 1);
  const hiddenOne = (await p.propose.run(one, PromptRows.single(encoded, 1), trace)).winners[0]?.hidden;
  if (!hiddenOne) throw new Error("propose returned no winner");
  let imageOne: HostTensor | undefined;
  for (const batch of profileBatchSizes(maxBatch)) {
    const noise = candidateLatents(manifest, 0, 0, batch);
    const hidden = repeatBatch(hiddenOne, batch);
    const rows = PromptRows.single(encoded, batch);
    record("propose", batch, await measure(runs, () => p.propose.run(noise, rows, trace)));
    record("finish", batch, await measure(runs, () => p.finish.run(hidden, noise, rows, trace)));
    const images = await p.finish.run(hidden, noise, rows, trace);
    imageOne ??= sliceBatch(images, 0, 1);
    if (p.ditHead) {
      const head = p.ditHead;
      record("dit_head", batch, await measure(runs, () => head.run(noise, rows, trace)));
    }
    if (p.clipVerify) {
      const clip = p.clipVerify;
      record("clip_verify", batch, await measure(runs, () => clip.run(images, rows, trace)));
    }
    if (p.ditTail) {
      const tail = p.ditTail;
      record("dit_tail", batch, await measure(runs, () => tail.run(hidden, noise, rows, trace)));
      const latent = await tail.run(hidden, noise, rows, trace);
      if (p.aeVerify) {
        const ae = p.aeVerify;
        record("ae_verify", batch, await measure(runs, () => ae.run(latent, rows, trace)));
      }
      if (p.vaeDecode) {
        const vae = p.vaeDecode;
        record("vae_decode", batch, await measure(runs, () => vae.run(latent, trace)));
      }
    }
  }
  if (imageOne) {
    const [, height = 0, width = 0] = imageOne.dims;
    const pixels = imageOne.data as Uint8Array;
    record("image_encode", 1, await measure(runs, () => encodeRgb(pixels, width, height, "png")));
  }
  p.textEncode.clearCache();
  return stages;
}
