// The HTTP thread's side of a batching worker's answer: the worker sends the winner's raw pixels and this
// encodes them (sharp, off the event loop), so that an answer never waits for the worker to come back from
// its next graph run, and the worker's thread spends no time on images.

import { performance } from "node:perf_hooks";
import { encodeRgb } from "../image/encode-image.js";
import type { GenerationResult } from "../pipeline/types.js";

/** The result with its image encoded (as is when the worker already encoded it). */
export async function encodeResult(result: GenerationResult): Promise<GenerationResult> {
  const format = result.unencoded;
  if (format === undefined) return result;
  const start = performance.now();
  const bytes = await encodeRgb(result.image, result.width, result.height, format);
  const ms = performance.now() - start;
  const { unencoded: _, ...rest } = result;
  return {
    ...rest,
    image: bytes,
    timings: { ...result.timings, encode_ms: ms },
    samples: [...result.samples, { stage: "image_encode", batch: 1, ms }],
  };
}
