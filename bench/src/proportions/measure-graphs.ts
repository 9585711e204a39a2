// Times every graph of the bundle once per call at batch 1 (warm-up, then repeats), feeding each the real
// outputs of the graph before it, so the proportions table compares FLOPs with measured time per graph;
// plus `finish_after_propose`: finish timed right after another session ran, as in a request.

import { performance } from "node:perf_hooks";
import { candidateNoise } from "@tinyscale/shared";
import {
  type GraphSession,
  type HostTensor,
  int64Tensor,
  type LoadedBundle,
  tokenizePrompt,
} from "../backend/internals.js";
import { type RepeatOptions, repeat } from "../harness/repeat.js";
import { median } from "../stats/summarize.js";

export type GraphTimes = Record<string, { median_ms: number; runs: number }>;

function need(tensor: HostTensor | undefined, what: string): HostTensor {
  if (!tensor) throw new Error(`graph run returned no ${what}`);
  return tensor;
}

export async function measureGraphs(bundle: LoadedBundle, opts: RepeatOptions): Promise<GraphTimes> {
  const { manifest, sessions } = bundle;
  const g = manifest.generator;
  const len = manifest.text_encoder.max_length;
  const tokens = tokenizePrompt(
    bundle.textTokenizer,
    bundle.verifierTokenizer,
    manifest,
    "a red fox in snow",
  );
  // Batch 1, one request: its suffix unpadded (suffix_length = all its ids), one group of one row.
  const ids = {
    prefix_ids: int64Tensor(tokens.prefixIds),
    suffix_ids: int64Tensor(tokens.suffixIds),
    suffix_length: { dtype: "int64", dims: [1], data: BigInt64Array.of(BigInt(tokens.suffixIds.length)) },
  } satisfies Record<string, HostTensor>;
  const oneGroup: HostTensor = { dtype: "int64", dims: [1, 1], data: BigInt64Array.of(1n) };
  const noise: HostTensor = {
    dtype: "float32",
    dims: [1, g.latent_channels, g.latent_height, g.latent_width],
    data: candidateNoise(7, g.latent_channels * g.latent_height * g.latent_width),
  };
  const times: GraphTimes = {};
  const timed = async (name: string, feeds: () => Record<string, HostTensor>) => {
    const session: GraphSession | undefined = sessions[name as keyof typeof sessions];
    if (!session) return undefined;
    const f = feeds();
    let last: Record<string, HostTensor> = {};
    const { wallMs } = await repeat(async () => {
      last = await session.run(f);
    }, opts);
    times[name] = { median_ms: median(wallMs), runs: wallMs.length };
    return last;
  };

  const te = await timed("text_encoder", () => ({
    input_ids: { dtype: "int64", dims: [1, len], data: tokens.inputIds },
    attention_mask: { dtype: "int64", dims: [1, len], data: tokens.attentionMask },
  }));
  if (!te) throw new Error("bundle has no text_encoder");
  const text = {
    prompt_embeds: need(te.prompt_embeds, "prompt_embeds"),
    prompt_mask: need(te.prompt_mask, "prompt_mask"),
  };
  const head = await timed("dit_head", () => ({ noise, ...text }));
  const hidden = need(head?.hidden, "hidden");
  const tail = await timed("dit_tail", () => ({ hidden, noise, ...text }));
  const latent = need(tail?.latent, "latent");
  const decoded = await timed("vae_decode", () => ({ latent }));
  const image = need(decoded?.image, "image");
  await timed("vhs_verify", () => ({ hidden, ...ids }));
  await timed("clip_verify", () => ({ image, ...ids }));
  await timed("ae_verify", () => ({ latent, ...ids }));
  await timed("propose", () => ({ noise, ...text, ...ids, group_mask: oneGroup }));
  await timed("finish", () => ({ hidden, noise, ...text }));
  // The same finish call, but each right after a propose run (as inside a vhs request): any slowdown
  // is interference between sessions (e.g. the previous session's threads still spinning on the cores).
  const propose = sessions.propose;
  const finish = sessions.finish;
  if (propose && finish) {
    const proposeFeeds = { noise, ...text, ...ids, group_mask: oneGroup };
    const finishFeeds = { hidden, noise, ...text };
    const after: number[] = [];
    await repeat(async () => {
      await propose.run(proposeFeeds);
      const t0 = performance.now();
      await finish.run(finishFeeds);
      after.push(performance.now() - t0);
    }, opts);
    times.finish_after_propose = { median_ms: median(after), runs: after.length };
  }
  return times;
}
