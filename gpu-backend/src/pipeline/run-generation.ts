// One generation request end to end, per verifier mode (docs/architecture.md): encode the prompt once, run
// candidate batches, finish and decode the winner (or, for clip, keep its already-decoded pixels),
// encode the image. Returns the image, every candidate's score and where the time went.

import { performance } from "node:perf_hooks";
import type { HostTensor } from "../onnx/session.js";
import { batchSchedule, type ProfileStages } from "./batch-schedule.js";
import { runCandidateBatches } from "./candidate-loop.js";
import { encodeImage } from "./encode-image.js";
import { candidateLatents } from "./latents.js";
import type { Pipeline } from "./pipeline.js";
import { PromptRows } from "./prompt-rows.js";
import type { GroupWinner } from "./propose.js";
import { sliceBatch } from "./tensors.js";
import type { EncodedPrompt } from "./text-encode.js";
import { JobTrace } from "./trace.js";
import type { CandidateScore, GenerationJob, GenerationResult } from "./types.js";

interface ModeOutcome {
  candidates: CandidateScore[];
  chosenIndex: number;
  /** uint8 [1, H, W, 3] pixels of the winner. */
  pixels: HostTensor;
  proposeMs: number;
  finishMs: number;
}

function need<T>(stage: T | undefined, name: string): T {
  if (!stage) throw new Error(`this bundle has no ${name} graph`);
  return stage;
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await run();
  return [value, performance.now() - start];
}

/** The batches a candidate mode may start for this job, within its deadline and until cancelled. */
function scheduleFor(mode: "vhs" | "clip" | "ae", job: GenerationJob, limits: RunLimits) {
  return batchSchedule(mode, job.n, job.maxBatch, job.deadlineMs, limits.stages, limits.isCancelled);
}

async function runVhs(
  p: Pipeline,
  job: GenerationJob,
  prompt: EncodedPrompt,
  trace: JobTrace,
  limits: RunLimits,
) {
  const schedule = scheduleFor("vhs", job, limits);
  const [loop, proposeMs] = await timed(() =>
    runCandidateBatches(p, job.seed, schedule, async (noise) => {
      const r = await p.propose.run(noise, PromptRows.single(prompt, noise.dims[0] ?? 1), trace);
      const winner = r.winners[0] as GroupWinner; // one group: this request
      return { scores: r.scores, bestRow: winner.row, keep: () => winner.hidden };
    }),
  );
  const [pixels, finishMs] = await timed(() =>
    p.finish.run(loop.best, loop.noise, PromptRows.single(prompt, 1), trace),
  );
  return { candidates: loop.candidates, chosenIndex: loop.chosenIndex, pixels, proposeMs, finishMs };
}

async function runClip(
  p: Pipeline,
  job: GenerationJob,
  prompt: EncodedPrompt,
  trace: JobTrace,
  limits: RunLimits,
) {
  const ditHead = need(p.ditHead, "dit_head");
  const clipVerify = need(p.clipVerify, "clip_verify");
  const schedule = scheduleFor("clip", job, limits);
  const [loop, proposeMs] = await timed(() =>
    runCandidateBatches(p, job.seed, schedule, async (noise) => {
      const rows = PromptRows.single(prompt, noise.dims[0] ?? 1);
      const hidden = await ditHead.run(noise, rows, trace);
      const images = await p.finish.run(hidden, noise, rows, trace);
      const scores = await clipVerify.run(images, rows, trace);
      return { scores, keep: (row) => sliceBatch(images, row, 1) };
    }),
  );
  return {
    candidates: loop.candidates,
    chosenIndex: loop.chosenIndex,
    pixels: loop.best,
    proposeMs,
    finishMs: 0,
  };
}

async function runAe(
  p: Pipeline,
  job: GenerationJob,
  prompt: EncodedPrompt,
  trace: JobTrace,
  limits: RunLimits,
) {
  const ditHead = need(p.ditHead, "dit_head");
  const ditTail = need(p.ditTail, "dit_tail");
  const aeVerify = need(p.aeVerify, "ae_verify");
  const vaeDecode = need(p.vaeDecode, "vae_decode");
  const schedule = scheduleFor("ae", job, limits);
  const [loop, proposeMs] = await timed(() =>
    runCandidateBatches(p, job.seed, schedule, async (noise) => {
      const rows = PromptRows.single(prompt, noise.dims[0] ?? 1);
      const hidden = await ditHead.run(noise, rows, trace);
      const latent = await ditTail.run(hidden, noise, rows, trace);
      const scores = await aeVerify.run(latent, rows, trace);
      return { scores, keep: (row) => sliceBatch(latent, row, 1) };
    }),
  );
  const [pixels, finishMs] = await timed(() => vaeDecode.run(loop.best, trace));
  return { candidates: loop.candidates, chosenIndex: loop.chosenIndex, pixels, proposeMs, finishMs };
}

/** No verifier: one candidate, generated and finished; it is not scored (score 0, verdict "yes"). */
async function runNone(p: Pipeline, job: GenerationJob, prompt: EncodedPrompt, trace: JobTrace) {
  const ditHead = need(p.ditHead, "dit_head");
  const noise = candidateLatents(p.bundle.manifest, job.seed, 0, 1);
  const rows = PromptRows.single(prompt, 1);
  const [hidden, proposeMs] = await timed(() => ditHead.run(noise, rows, trace));
  const [pixels, finishMs] = await timed(() => p.finish.run(hidden, noise, rows, trace));
  const candidates: CandidateScore[] = [{ index: 0, seed: job.seed, score: 0, verdict: "yes" }];
  return { candidates, chosenIndex: 0, pixels, proposeMs, finishMs };
}

/** Graph stages reported as extra `<stage>_ms` timing keys beyond the standard five. */
const EXTRA_STAGES = ["dit_head", "dit_tail", "vae_decode", "clip_verify", "ae_verify"];

/** What bounds the candidate batches besides n: the measured profile (for deadlines), a cancel flag. */
export interface RunLimits {
  stages: ProfileStages | undefined;
  isCancelled: () => boolean;
}

export async function runGeneration(
  pipeline: Pipeline,
  job: GenerationJob,
  limits: RunLimits,
): Promise<GenerationResult> {
  const trace = new JobTrace();
  const [{ encoded, cacheHit }, textMs] = await timed(() => pipeline.textEncode.encode(job.prompt, trace));
  let outcome: ModeOutcome;
  if (job.verifier === "vhs") outcome = await runVhs(pipeline, job, encoded, trace, limits);
  else if (job.verifier === "clip") outcome = await runClip(pipeline, job, encoded, trace, limits);
  else if (job.verifier === "ae") outcome = await runAe(pipeline, job, encoded, trace, limits);
  else outcome = await runNone(pipeline, job, encoded, trace);
  const image = await encodeImage(outcome.pixels, 0, job.outputFormat, trace);
  const timings: Record<string, number> = {
    text_encode_ms: textMs,
    propose_ms: outcome.proposeMs,
    finish_ms: outcome.finishMs,
    encode_ms: trace.totalMs("image_encode"),
  };
  for (const stage of EXTRA_STAGES) {
    if (trace.samples.some((s) => s.stage === stage)) timings[`${stage}_ms`] = trace.totalMs(stage);
  }
  return {
    image: image.bytes,
    mimeType: image.mimeType,
    width: image.width,
    height: image.height,
    chosenIndex: outcome.chosenIndex,
    candidates: outcome.candidates,
    nRun: outcome.candidates.length,
    timings,
    samples: trace.samples,
    textCacheHit: cacheHit,
  };
}
