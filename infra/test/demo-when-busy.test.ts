// The demo's answer to a busy machine: a budgeted request refused with 503 overloaded (or ended 504)
// after the SDK's own retries is asked again, later, with a looser budget, and the demo says so; a
// fixed-n request is asked again as it was; any other error ends the demo as before.
import { describe, expect, it } from "vitest";
import {
  budgetLadder,
  isBusy,
  MAX_BUDGET_MS,
  whenNotBusy,
  withLooserBudget,
} from "../../scripts/demo/when-busy.js";

// the fields the SDK's APIError carries for a 503 overloaded answer
const overloaded = Object.assign(new Error("503 overloaded"), { status: 503, code: "overloaded" });
const invalid = Object.assign(new Error("422 budget_too_small"), { status: 422, code: "budget_too_small" });

describe("the demo on a busy machine", () => {
  it("loosens the budget step by step, up to the API's largest", () => {
    expect(budgetLadder(110, 150)).toEqual([110, 220, 440, 880, 1760]);
    expect(budgetLadder(150, 900)).toEqual([150, 900, 1800, 3600, 7200]);
    expect(Math.max(...budgetLadder(40_000, 50_000))).toBe(MAX_BUDGET_MS);
    expect([isBusy(overloaded), isBusy({ status: 504 }), isBusy(invalid), isBusy(null)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it("asks again with a looser budget after a 503 and says so", async () => {
    const asked: number[] = [];
    const lines: string[] = [];
    const served = await withLooserBudget(
      async (budget) => {
        asked.push(budget);
        if (asked.length === 1) throw overloaded;
        return `image at ${budget} ms`;
      },
      110,
      300,
      (line) => lines.push(line),
    );
    expect(asked).toEqual([110, 300]);
    expect(served).toEqual({ value: "image at 300 ms", budget: 300 });
    expect(lines).toEqual(["  (busy machine: 503 overloaded at 110 ms; asking again in 1 s with 300 ms)"]);
  });

  it("lets any other error through at once", async () => {
    let calls = 0;
    const failing = withLooserBudget(
      async () => {
        calls++;
        throw invalid;
      },
      110,
      300,
      () => {},
    );
    await expect(failing).rejects.toBe(invalid);
    expect(calls).toBe(1);
  });

  it("repeats a fixed-n request unchanged while the machine is busy", async () => {
    let calls = 0;
    const lines: string[] = [];
    const value = await whenNotBusy(
      async () => {
        calls++;
        if (calls === 1) throw overloaded;
        return "candidate";
      },
      "candidate #3",
      (line) => lines.push(line),
    );
    expect([value, calls]).toEqual(["candidate", 2]);
    expect(lines).toEqual(["  (busy machine: 503 overloaded for candidate #3; asking again in 1 s)"]);
  });
});
