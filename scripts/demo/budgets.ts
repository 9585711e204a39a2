// Picks the demo's two latency budgets from the running stack's own plan, so the demo shows N growing
// with the budget on any machine (a busy 2-core CI box, an idle one): the tight one leaves headroom over
// the smallest budget the planner accepts now (at least half as much again: a loaded machine runs slower
// than it profiled, and its queue comes and goes) and sits in the lower half of the range up to the
// budget that buys max_n; the loose one well above it. A budget counts as accepted only when the plan
// says a request sent now would run (`n_now` ≥ 1), not just that the profile fits it. The planner calls
// spend no credits (one rate-limit token each); TINYSCALE_DEMO_BUDGETS overrides.
import type { Tinyscale } from "tinyscale";
import { MAX_BUDGET_MS } from "./when-busy.js";

/** The API's smallest budget_ms (GenerateRequest schema). */
const MIN_BUDGET_MS = 50;

const round10 = (ms: number) => Math.ceil(ms / 10) * 10;

async function accepted(client: Tinyscale, budget: number): Promise<boolean> {
  try {
    // n_now 0: the profile fits the budget, but the current queue would get the request refused (503)
    return (await client.plan({ budget_ms: budget })).n_now >= 1;
  } catch (error) {
    if ((error as { code?: unknown }).code === "budget_too_small") return false;
    throw error;
  }
}

/** The smallest budget (to 10 ms) the planner turns into N >= 1 now, by bisection. */
async function smallestBudget(client: Tinyscale): Promise<number> {
  if (await accepted(client, MIN_BUDGET_MS)) return MIN_BUDGET_MS;
  let low = MIN_BUDGET_MS; // refused
  let high = MAX_BUDGET_MS; // accepted, or the request could never run
  while (high - low > 10) {
    const middle = Math.round((low + high) / 2);
    if (await accepted(client, middle)) high = middle;
    else low = middle;
  }
  return high;
}

export interface DemoBudgets {
  budgets: number[];
  /** The planner's cap on N: a budget at or above `maxNBudget` plans this many. */
  maxN: number;
  /** The smallest budget that plans max_n (prediction plus the edge's network margin). */
  maxNBudget: number;
}

export async function chooseBudgets(client: Tinyscale, override: string | undefined): Promise<DemoBudgets> {
  // The largest budget plans max_n candidates: its prediction is the top of the useful range.
  const top = await client.plan({ budget_ms: MAX_BUDGET_MS });
  const maxNBudget = Math.ceil(top.predicted_ms + top.network_margin_ms);
  if (override) {
    const budgets = override.split(",").map(Number);
    if (budgets.some((b) => !Number.isInteger(b) || b < MIN_BUDGET_MS || b > MAX_BUDGET_MS)) {
      throw new Error(`TINYSCALE_DEMO_BUDGETS must be comma-separated integers 50–60000, got "${override}"`);
    }
    return { budgets, maxN: top.max_n, maxNBudget };
  }
  const minimum = await smallestBudget(client);
  const range = maxNBudget - minimum;
  // A machine fast enough to fit max_n in the smallest budget shows the cap at both budgets.
  const headroom = Math.max(50, minimum / 2);
  if (range <= 10)
    return {
      budgets: [round10(minimum + headroom), round10(minimum + headroom + 50)],
      maxN: top.max_n,
      maxNBudget,
    };
  const tight = round10(minimum + Math.max(headroom, Math.min(minimum + 50, range / 2)));
  const loose = round10(tight + Math.max(10, 0.6 * (maxNBudget - tight)));
  return { budgets: [tight, loose], maxN: top.max_n, maxNBudget };
}
