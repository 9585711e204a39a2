// Stage 3: seeded initial noise for a batch of candidates (contracts §4): candidate i of a request with
// seed s draws C·h·w N(0,1) values from seed (s + i) mod 2^32, in NCHW order. Same seed → same bytes.

import { candidateNoise, candidateSeed } from "@tinyscale/shared";
import type { Manifest } from "../onnx/manifest.js";
import type { HostTensor } from "../onnx/session.js";

export function latentShape(manifest: Manifest): [number, number, number] {
  const g = manifest.generator;
  return [g.latent_channels, g.latent_height, g.latent_width];
}

/** Noise for candidates [first, first+count) of a request seeded with `seed`. */
export function candidateLatents(manifest: Manifest, seed: number, first: number, count: number): HostTensor {
  const [c, h, w] = latentShape(manifest);
  const size = c * h * w;
  const data = new Float32Array(count * size);
  for (let k = 0; k < count; k++) data.set(candidateNoise(candidateSeed(seed, first + k), size), k * size);
  return { dtype: "float32", dims: [count, c, h, w], data };
}
