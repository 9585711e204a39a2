// Picks the demo's two latency budgets from the running stack's own plan, so the demo shows N growing
// with the budget on any machine (a fast laptop, a 2-core CI box) instead of hitting max_n or a
// budget too small for the fixed cost. The planner call is free; TINYSCALE_DEMO_BUDGETS overrides.
import type { Tinyscale } from "tinyscale";

/** Fractions of the time max_n candidates take: a tight budget and a looser one. */
const FRACTIONS = [0.45, 0.9] as const;
/** The API's smallest budget_ms (GenerateRequest schema). */
const MIN_BUDGET_MS = 50;

export async function chooseBudgets(client: Tinyscale, override: string | undefined): Promise<number[]> {
  if (override) {
    const budgets = override.split(",").map(Number);
    if (budgets.some((b) => !Number.isInteger(b) || b <= 0)) {
      throw new Error(`TINYSCALE_DEMO_BUDGETS must be comma-separated positive integers, got "${override}"`);
    }
    return budgets;
  }
  // The largest budget the API takes plans max_n candidates: its prediction is the top of the range.
  const full = await client.plan({ budget_ms: 60_000 });
  const budgets: number[] = [];
  for (const fraction of FRACTIONS) {
    let budget = Math.max(MIN_BUDGET_MS, Math.round((full.predicted_ms * fraction) / 10) * 10);
    // Below the fixed cost the planner refuses (budget_too_small); step up until it plans N >= 1.
    for (let attempt = 0; attempt < 8; attempt++) {
      try {
        await client.plan({ budget_ms: budget });
        break;
      } catch (error) {
        if ((error as { code?: unknown }).code !== "budget_too_small") throw error;
        budget = Math.round((budget * 1.5) / 10) * 10;
      }
    }
    budgets.push(budget);
  }
  return [...new Set(budgets)];
}
