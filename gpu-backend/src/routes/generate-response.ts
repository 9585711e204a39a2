// A worker's result → the public GenerateResponse (contracts §2): b64 JSON body, or raw image bytes with
// the same object minus the image data in X-Tinyscale-Metadata. Credits = shared creditsFor(candidates run).

import { creditsFor, type GenerateMetadata, type GenerateResponse, roundMs } from "@tinyscale/shared";
import type { GenerationResult } from "../pipeline/types.js";

export interface ResponseContext {
  requestId: string;
  model: string;
  nRequested: number;
  plannedMs: number | null;
  queueMs: number;
  totalMs: number;
}

export function buildMetadata(result: GenerationResult, ctx: ResponseContext): GenerateMetadata {
  const timings: Record<string, number> = {};
  for (const [key, ms] of Object.entries(result.timings)) timings[key] = roundMs(ms);
  return {
    id: ctx.requestId,
    created: Math.floor(Date.now() / 1000),
    model: ctx.model,
    image: {
      mime_type: result.mimeType as GenerateMetadata["image"]["mime_type"],
      width: result.width,
      height: result.height,
    },
    chosen_index: result.chosenIndex,
    candidates: result.candidates,
    n: result.nRun,
    n_requested: ctx.nRequested,
    // Fewer than planned: the deadline, shared with the other requests on this backend, allowed no more.
    load_limited: result.nRun < ctx.nRequested,
    planned_ms: ctx.plannedMs === null ? null : roundMs(ctx.plannedMs),
    timings: {
      queue_ms: roundMs(ctx.queueMs),
      text_encode_ms: timings.text_encode_ms ?? 0,
      propose_ms: timings.propose_ms ?? 0,
      finish_ms: timings.finish_ms ?? 0,
      encode_ms: timings.encode_ms ?? 0,
      ...timings,
      total_ms: roundMs(ctx.totalMs),
    },
    usage: { credits: creditsFor(result.nRun) },
  };
}

export function buildJsonResponse(result: GenerationResult, ctx: ResponseContext): GenerateResponse {
  const metadata = buildMetadata(result, ctx);
  return {
    ...metadata,
    image: { b64_json: Buffer.from(result.image).toString("base64"), ...metadata.image },
  };
}
