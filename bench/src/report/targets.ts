// Issue 6's targets: each compares a measured value to a limit and reports PASS or MISS with the margin.
// A miss is always printed and written; nothing here filters or softens it.

export interface Target {
  id: string;
  description: string;
  /** The measured value, or null when the measurement could not be taken (counts as MISS). */
  measured: number | null;
  limit: number;
  /** `le`: measured must be ≤ limit. */
  comparison: "le";
  unit: string;
  /** Why a value could be missing or why it missed (filled by the bench that measured it). */
  note?: string;
}

export interface TargetResult extends Target {
  pass: boolean;
  /** measured / limit (> 1 means the limit was exceeded by that factor). */
  ratio_to_limit: number | null;
}

export function evaluateTarget(t: Target): TargetResult {
  if (t.measured === null || !Number.isFinite(t.measured)) {
    return { ...t, pass: false, ratio_to_limit: null };
  }
  const pass = t.measured <= t.limit;
  return { ...t, pass, ratio_to_limit: t.limit === 0 ? null : t.measured / t.limit };
}

export function targetLine(r: TargetResult): string {
  const verdict = r.pass ? "PASS" : "MISS";
  const measured = r.measured === null ? "not measured" : `${r.measured.toFixed(3)} ${r.unit}`;
  const by =
    !r.pass && r.measured !== null && r.ratio_to_limit !== null
      ? ` (over by ${((r.ratio_to_limit - 1) * 100).toFixed(1)} %)`
      : "";
  const note = r.note ? ` — ${r.note}` : "";
  return `${verdict}  ${r.description}: ${measured} vs ≤ ${r.limit} ${r.unit}${by}${note}`;
}
