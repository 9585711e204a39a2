// Milliseconds shown to people — every *_ms value in a response body, and in messages — follow one rule:
// rounded to 0.1 ms. Machine-facing numbers (profiles, metrics, planning arithmetic) keep full precision.

/** `ms` to the nearest 0.1 ms: 50.394999999999996 → 50.4. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** A record of milliseconds (a breakdown, stage timings) with every value rounded by `roundMs`. */
export function roundMsValues<K extends string>(
  values: Partial<Record<K, number>>,
): Partial<Record<K, number>> {
  const rounded: Partial<Record<K, number>> = {};
  for (const [key, ms] of Object.entries(values) as [K, number | undefined][]) {
    if (ms !== undefined) rounded[key] = roundMs(ms);
  }
  return rounded;
}
