// Deadlines while proposing, under the legacy scheduler (one whole request per worker): when the next
// batch (plus the winner's finishing) would overrun the deadline, the backend stops starting batches and
// finishes the best candidate so far; `n` says how many ran. The batching scheduler keeps an explicit n
// exact instead (test/batching.test.ts).

import { GenerateResponseSchema, predictMs } from "@tinyscale/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate, startTestBackend, type TestBackend, TOKEN } from "./helpers.js";

let backend: TestBackend;

beforeAll(async () => {
  // Batches of one: 64 candidates are 64 batches, so a deadline can fall between many of them.
  backend = await startTestBackend({ maxBatch: 1, profileRuns: 3, scheduler: "legacy" });
});
afterAll(async () => {
  await backend?.close();
});

describe("deadlines", () => {
  for (const verifier of ["vhs", "clip"] as const) {
    it(`${verifier}: stops starting batches when proposing runs late and finishes the best so far`, async () => {
      const profile = backend.profile();
      if (!profile) throw new Error("no profile");
      const n = 64;
      const least = predictMs(profile, verifier, 1).total_ms;
      // How long proposing all 64 really takes here (the same request without a deadline).
      const unhurried = await generate(backend, { prompt: "late fox", n, seed: 9, verifier });
      const proposeMs = GenerateResponseSchema.parse(await unhurried.json()).timings.propose_ms;
      // Room for the least the request can do plus about half of the proposing.
      const deadline = Math.round(Date.now() + least + proposeMs / 2);
      const response = await generate(
        backend,
        { prompt: "late fox", n, seed: 9, verifier },
        { authorization: `Bearer ${TOKEN}`, "x-tinyscale-deadline": String(deadline) },
      );
      const body = await response.json();
      expect(response.status, JSON.stringify(body)).toBe(200);
      const result = GenerateResponseSchema.parse(body);
      console.info(
        `${verifier} deadline: ${result.n} of ${n} candidates ran (proposing all: ${proposeMs} ms)`,
      );
      expect(result.n_requested).toBe(n);
      expect(result.n).toBeGreaterThanOrEqual(1);
      expect(result.n).toBeLessThan(n);
      expect(result.n % backend.state.maxBatch).toBe(0); // whole batches only
      expect(result.candidates).toHaveLength(result.n);
      expect(result.usage.credits).toBe(result.n + 1);
      const scores = result.candidates.map((c) => c.score);
      expect(result.chosen_index).toBe(scores.indexOf(Math.max(...scores)));
    });
  }

  it("fails fast, running nothing, when even one candidate cannot make the deadline", async () => {
    const response = await generate(
      backend,
      { prompt: "hopeless fox", n: 4 },
      { authorization: `Bearer ${TOKEN}`, "x-tinyscale-deadline": String(Date.now() + 1) },
    );
    expect(response.status).toBe(504);
    expect((await response.json()).error.code).toBe("deadline_exceeded");
  });
});
