// Deterministic candidate seeds and N(0,1) noise (contracts §4), so one seed gives the same image on
// every run and machine, and `n: 1, seed: s + i` reproduces candidate i of a request with seed s alone.
//
// Generator, for anyone re-implementing it (e.g. the Python export tool's checks):
// - splitmix32 (state a, uint32): a += 0x9E3779B9; t = a ^ (a >>> 16); t = imul(t, 0x21F0AAB5);
//   t ^= t >>> 15; t = imul(t, 0x735A2D97); t ^= t >>> 15; output t (uint32).
// - xoshiro128** state = the first four splitmix32 outputs from a = seed. next(): r = rotl(imul(s1, 5), 7)
//   * 9 (mod 2^32); t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11).
// - uniform u = (next() + 0.5) / 2^32, strictly inside (0, 1), exact in float64.
// - Box–Muller on (u1, u2), both in float64: r = sqrt(−2 ln u1), θ = 2π u2; emit r cos θ then r sin θ;
//   each value rounded to float32. An odd count drops the last sine.
// Math.log/cos/sin are V8's fdlibm ports: bit-identical in Node and workerd on every platform.

const TWO_POW_32 = 4_294_967_296;
const TWO_PI = 2 * Math.PI;

export function candidateSeed(seed: number, index: number): number {
  return (seed + index) >>> 0;
}

/** A fresh random uint32 seed, for requests that sent none (the response returns it). */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
}

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aab5);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    t ^= t >>> 15;
    return t >>> 0;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** xoshiro128** seeded through splitmix32; returns uint32 values. */
export function xoshiro128ss(seed: number): () => number {
  const mix = splitmix32(seed);
  let s0 = mix();
  let s1 = mix();
  let s2 = mix();
  let s3 = mix();
  return () => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
}

/** `count` standard-normal values for one seed, rounded to float32. */
export function candidateNoise(seed: number, count: number): Float32Array {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be a non-negative integer: ${count}`);
  const next = xoshiro128ss(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u1 = (next() + 0.5) / TWO_POW_32;
    const u2 = (next() + 0.5) / TWO_POW_32;
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = TWO_PI * u2;
    out[i] = radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/** Noise for candidates 0..n−1 of a request, concatenated (NCHW for a [n, C, h, w] tensor). */
export function batchNoise(seed: number, n: number, perCandidate: number): Float32Array {
  const out = new Float32Array(n * perCandidate);
  for (let i = 0; i < n; i++) out.set(candidateNoise(candidateSeed(seed, i), perCandidate), i * perCandidate);
  return out;
}
