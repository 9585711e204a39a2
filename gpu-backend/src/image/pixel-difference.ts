// How far two decoded images of the same size are apart, value by value: what "the same request alone and
// under load gives (near-)the same image" is measured with, in the tests and the load benchmark.

export interface PixelDifference {
  /** Values (channels of pixels) that differ at all. */
  differing: number;
  /** Their share of all values; 1 when the sizes differ. */
  share: number;
  /** The largest difference, in levels of 0–255. */
  worst: number;
}

export function pixelDifference(a: Uint8Array, b: Uint8Array): PixelDifference {
  let differing = 0;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] ?? 0) - (b[i] ?? 0));
    if (d > 0) differing++;
    worst = Math.max(worst, d);
  }
  return { differing, share: a.length === b.length ? differing / a.length : 1, worst };
}
