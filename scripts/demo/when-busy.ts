// What the demo does when the machine is busy. The load-aware backend refuses at once (503 overloaded)
// a request whose budget cannot be met now, and a request that ran late ends 504; the SDK retries both
// with the same budget, which on a loaded machine can fail again. The demo then waits and asks again
// with a looser budget (a budgeted request) or the same request (a fixed-n one), and says so.

/** The API's largest budget_ms (GenerateRequest schema). */
export const MAX_BUDGET_MS = 60_000;
/** Waits before each further try, in ms: a busy spell on a shared CI machine lasts seconds. */
export const BUSY_WAITS_MS = [1_000, 2_000, 4_000, 8_000];

/** 503 overloaded or 504 deadline missed, after the SDK's own retries: the load, not the request. */
export function isBusy(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return status === 503 || status === 504;
}

function describe(error: unknown): string {
  const { status, code } = error as { status?: unknown; code?: unknown };
  return `${String(status)} ${typeof code === "string" ? code : ""}`.trim();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The budgets to try in turn: the chosen one, then looser ones (the loose tier, then doubling), capped. */
export function budgetLadder(budget: number, looser: number): number[] {
  const ladder = [budget];
  let next = Math.max(looser, budget * 2);
  while (ladder.length <= BUSY_WAITS_MS.length) {
    ladder.push(Math.min(next, MAX_BUDGET_MS));
    next *= 2;
  }
  return ladder;
}

export interface Served<T> {
  value: T;
  /** The budget the answer was served with (greater than asked after a busy refusal). */
  budget: number;
}

/** Runs `request` at `budget`; while the machine is busy, waits and tries the next looser budget. */
export async function withLooserBudget<T>(
  request: (budget: number) => Promise<T>,
  budget: number,
  looser: number,
  log: (line: string) => void,
): Promise<Served<T>> {
  const ladder = budgetLadder(budget, looser);
  for (const [attempt, tried] of ladder.entries()) {
    try {
      return { value: await request(tried), budget: tried };
    } catch (error) {
      const next = ladder[attempt + 1];
      if (!isBusy(error) || next === undefined) throw error;
      const wait = BUSY_WAITS_MS[attempt] ?? 0;
      log(
        `  (busy machine: ${describe(error)} at ${tried} ms; asking again in ${wait / 1000} s with ${next} ms)`,
      );
      await sleep(wait);
    }
  }
  throw new Error("unreachable: the ladder is never empty");
}

/** Runs a fixed-n `request`; while the machine is busy, waits and asks again with the same request. */
export async function whenNotBusy<T>(
  request: () => Promise<T>,
  what: string,
  log: (line: string) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      const wait = BUSY_WAITS_MS[attempt];
      if (!isBusy(error) || wait === undefined) throw error;
      log(`  (busy machine: ${describe(error)} for ${what}; asking again in ${wait / 1000} s)`);
      await sleep(wait);
    }
  }
}
