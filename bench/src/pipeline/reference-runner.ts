// `reference`: a faithful re-creation of how the released VHS code (aimagelab/VHS) runs, on the bundle's
// own graphs — candidates one at a time, the prompt re-encoded for each, 3-beam scoring, and the winner
// regenerated from scratch (text encoder + full DiT + decode). See docs/architecture.md.

import { performance } from "node:perf_hooks";
import { candidateNoise, candidateSeed } from "@tinyscale/shared";
import {
  encodeImage,
  type GraphSession,
  type HostTensor,
  JobTrace,
  type LoadedBundle,
  PromptRows,
  repeatBatch,
  scoresOf,
  TextEncodeStage,
} from "../backend/internals.js";
import type { TimedRun } from "./types.js";

/** HF `generate(num_beams=3)` expands the input to 3 beams before the prefill: 3× the verifier's work. */
export const REFERENCE_BEAMS = 3;

export class ReferenceRunner {
  private readonly text: TextEncodeStage;
  private readonly ditHead: GraphSession;
  private readonly ditTail: GraphSession;
  private readonly vaeDecode: GraphSession;
  private readonly vhsVerify: GraphSession;

  constructor(private readonly bundle: LoadedBundle) {
    const s = bundle.sessions;
    if (!s.text_encoder || !s.dit_head || !s.dit_tail || !s.vae_decode || !s.vhs_verify) {
      throw new Error(
        "reference mode needs text_encoder, dit_head, dit_tail, vae_decode and vhs_verify graphs",
      );
    }
    // Cache size 0: the released code calls the pipeline (and so Gemma) afresh for every candidate.
    this.text = new TextEncodeStage(s.text_encoder, bundle, 0);
    this.ditHead = s.dit_head;
    this.ditTail = s.dit_tail;
    this.vaeDecode = s.vae_decode;
    this.vhsVerify = s.vhs_verify;
  }

  private noise(seed: number, index: number): HostTensor {
    const g = this.bundle.manifest.generator;
    const count = g.latent_channels * g.latent_height * g.latent_width;
    return {
      dtype: "float32",
      dims: [1, g.latent_channels, g.latent_height, g.latent_width],
      data: candidateNoise(candidateSeed(seed, index), count),
    };
  }

  async run(n: number, prompt: string, seed: number): Promise<TimedRun> {
    const trace = new JobTrace();
    const t0 = performance.now();
    let bestIndex = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const { encoded } = await this.text.encode(prompt, trace);
      const noise = this.noise(seed, i);
      const text = { prompt_embeds: encoded.promptEmbeds, prompt_mask: encoded.promptMask };
      // "prod" mode: blocks after the split are passthrough, so only layers 0..ℓ* run. The final layer
      // (norm_out + proj_out, ~0.005 % of a candidate's FLOPs) has no graph of its own and is left out.
      const head = await trace.time("dit_head", 1, () => this.ditHead.run({ noise, ...text }));
      const hidden = head.hidden;
      if (!hidden) throw new Error("dit_head returned no hidden");
      const out = await trace.time("vhs_verify", REFERENCE_BEAMS, () =>
        this.vhsVerify.run({
          hidden: repeatBatch(hidden, REFERENCE_BEAMS),
          ...PromptRows.single(encoded, REFERENCE_BEAMS).verifierFeeds(),
        }),
      );
      const scores = out.scores;
      if (!scores) throw new Error("vhs_verify returned no scores");
      const score = scoresOf(scores)[0] ?? Number.NEGATIVE_INFINITY;
      if (score > bestScore) {
        bestScore = score;
        bestIndex = i;
      }
    }
    // The winner is regenerated from scratch from its saved RNG state: a full pipeline call plus decode.
    const { encoded } = await this.text.encode(prompt, trace);
    const noise = this.noise(seed, bestIndex);
    const text = { prompt_embeds: encoded.promptEmbeds, prompt_mask: encoded.promptMask };
    const head = await trace.time("dit_head", 1, () => this.ditHead.run({ noise, ...text }));
    if (!head.hidden) throw new Error("dit_head returned no hidden");
    const hidden = head.hidden;
    const tail = await trace.time("dit_tail", 1, () => this.ditTail.run({ hidden, noise, ...text }));
    if (!tail.latent) throw new Error("dit_tail returned no latent");
    const latent = tail.latent;
    const decoded = await trace.time("vae_decode", 1, () => this.vaeDecode.run({ latent }));
    if (!decoded.image) throw new Error("vae_decode returned no image");
    const image = decoded.image;
    // The same PNG encode the product does, so both deliver the same artefact.
    await encodeImage(image, 0, "png", trace);
    const total = performance.now() - t0;
    const stages: Record<string, number> = {};
    let staged = 0;
    for (const s of trace.samples) {
      stages[s.stage] = (stages[s.stage] ?? 0) + s.ms;
      staged += s.ms;
    }
    // Tokenizing, noise and tensor copies: what the product's `other` also counts (minus its HTTP).
    stages.other = Math.max(0, total - staged);
    return { total_ms: total, stages, n };
  }

  async dispose(): Promise<void> {
    // Sessions belong to the bundle; its owner disposes them.
  }
}
