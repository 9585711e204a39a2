// The stages built from one loaded bundle: what a worker holds for its lifetime. Stages whose graph the
// bundle lacks are absent, and the modes needing them are not offered.

import { join } from "node:path";
import type { LoadedBundle } from "../onnx/bundle.js";
import type { GraphName } from "../onnx/graph-contract.js";
import { BundleError } from "../onnx/manifest.js";
import type { GraphSession } from "../onnx/session.js";
import { DitHeadStage } from "./dit-head.js";
import { DitTailStage } from "./dit-tail.js";
import { FinishStage } from "./finish.js";
import { ProposeStage } from "./propose.js";
import { TextEncodeStage } from "./text-encode.js";
import { tokenizeVerifierTemplate } from "./tokenize.js";
import { VaeDecodeStage } from "./vae-decode.js";
import { AeVerifyStage } from "./verify-ae.js";
import { ClipVerifyStage } from "./verify-clip.js";

export interface Pipeline {
  bundle: LoadedBundle;
  textEncode: TextEncodeStage;
  propose: ProposeStage;
  finish: FinishStage;
  ditHead?: DitHeadStage;
  ditTail?: DitTailStage;
  vaeDecode?: VaeDecodeStage;
  clipVerify?: ClipVerifyStage;
  aeVerify?: AeVerifyStage;
  dispose(): Promise<void>;
}

function required(bundle: LoadedBundle, name: GraphName): GraphSession {
  const session = bundle.sessions[name];
  if (!session) throw new Error(`bundle ${bundle.dir} has no ${name} graph`);
  return session;
}

function optional<T>(bundle: LoadedBundle, name: GraphName, make: (s: GraphSession) => T): T | undefined {
  const session = bundle.sessions[name];
  return session ? make(session) : undefined;
}

/**
 * Graphs exported with a fixed prefix length (the template prefix is constant) need exactly that many ids:
 * a tokenizer that disagrees would fail on the first request, so refuse the bundle now.
 */
function checkPrefixLength(bundle: LoadedBundle): void {
  const { manifest, verifierTokenizer } = bundle;
  const ids = tokenizeVerifierTemplate(verifierTokenizer, manifest, "").prefixIds;
  for (const [name, graph] of Object.entries(manifest.graphs)) {
    const declared = graph.inputs.find((i) => i.name === "prefix_ids")?.shape[1];
    if (typeof declared === "number" && declared !== ids.length) {
      throw new BundleError(
        `${join(bundle.dir, manifest.verifier.tokenizer)}: template_prefix tokenizes to ${ids.length} ids but graph "${name}" takes prefix_ids [1, ${declared}]`,
      );
    }
  }
}

export function buildPipeline(bundle: LoadedBundle, textCacheSize: number): Pipeline {
  checkPrefixLength(bundle);
  const pipeline: Omit<Pipeline, "dispose"> = {
    bundle,
    textEncode: new TextEncodeStage(required(bundle, "text_encoder"), bundle, textCacheSize),
    propose: new ProposeStage(required(bundle, "propose")),
    finish: new FinishStage(required(bundle, "finish")),
    ditHead: optional(bundle, "dit_head", (s) => new DitHeadStage(s)),
    ditTail: optional(bundle, "dit_tail", (s) => new DitTailStage(s)),
    vaeDecode: optional(bundle, "vae_decode", (s) => new VaeDecodeStage(s)),
    clipVerify: optional(bundle, "clip_verify", (s) => new ClipVerifyStage(s)),
    aeVerify: optional(bundle, "ae_verify", (s) => new AeVerifyStage(s)),
  };
  const stages = [
    pipeline.textEncode,
    pipeline.propose,
    pipeline.finish,
    pipeline.ditHead,
    pipeline.ditTail,
    pipeline.vaeDecode,
    pipeline.clipVerify,
    pipeline.aeVerify,
  ];
  return {
    ...pipeline,
    dispose: async () => {
      await Promise.all(stages.map((stage) => stage?.dispose()));
    },
  };
}
