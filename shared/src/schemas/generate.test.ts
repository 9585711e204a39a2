import { describe, expect, it } from "vitest";
import { GenerateMetadataSchema, GenerateRequestSchema, GenerateResponseSchema } from "./generate.js";

const valid = { prompt: "a red fox in snow", budget_ms: 1100 };

function issues(input: unknown): { path: string; message: string }[] {
  const result = GenerateRequestSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

describe("GenerateRequestSchema", () => {
  it("fills the defaults and trims the prompt", () => {
    expect(GenerateRequestSchema.parse({ prompt: "  a fox \n", n: 4 })).toEqual({
      prompt: "a fox",
      n: 4,
      verifier: "vhs",
      output_format: "png",
      response_format: "b64_json",
    });
  });

  it("accepts every optional field at its limits", () => {
    const request = {
      prompt: "x".repeat(2000),
      n: 64,
      seed: 4_294_967_295,
      size: "1024x1024",
      verifier: "clip",
      output_format: "webp",
      response_format: "bytes",
    };
    expect(GenerateRequestSchema.parse(request)).toEqual(request);
    expect(GenerateRequestSchema.parse({ prompt: "p", budget_ms: 50, seed: 0 }).budget_ms).toBe(50);
    expect(GenerateRequestSchema.parse({ prompt: "p", budget_ms: 60_000 }).budget_ms).toBe(60_000);
    expect(GenerateRequestSchema.parse({ prompt: ` ${"x".repeat(2000)} `, n: 1 }).prompt).toHaveLength(2000);
  });

  it.each([
    ["prompt empty", { ...valid, prompt: "" }, "prompt", /must not be empty/],
    ["prompt whitespace", { ...valid, prompt: " \t\n " }, "prompt", /must not be empty/],
    ["prompt too long", { ...valid, prompt: "x".repeat(2001) }, "prompt", /at most 2000/],
    ["prompt missing", { budget_ms: 1100 }, "prompt", /prompt must be a string/],
    ["prompt not a string", { ...valid, prompt: 42 }, "prompt", /prompt must be a string/],
    ["both budget_ms and n", { ...valid, n: 4 }, "n", /exactly one of budget_ms or n, not both/],
    ["neither budget_ms nor n", { prompt: "p" }, "budget_ms", /exactly one of budget_ms or n/],
    ["budget_ms below 50", { prompt: "p", budget_ms: 49 }, "budget_ms", /at least 50/],
    ["budget_ms above 60000", { prompt: "p", budget_ms: 60_001 }, "budget_ms", /at most 60000/],
    ["budget_ms not an integer", { prompt: "p", budget_ms: 100.5 }, "budget_ms", /integer/],
    ["budget_ms a string", { prompt: "p", budget_ms: "1100" }, "budget_ms", /number/],
    ["n zero", { prompt: "p", n: 0 }, "n", /at least 1/],
    ["n above 64", { prompt: "p", n: 65 }, "n", /at most 64/],
    ["n not an integer", { prompt: "p", n: 2.5 }, "n", /integer/],
    ["n NaN", { prompt: "p", n: Number.NaN }, "n", /number/],
    ["seed negative", { ...valid, seed: -1 }, "seed", /between 0 and 4294967295/],
    ["seed above uint32", { ...valid, seed: 4_294_967_296 }, "seed", /between 0 and 4294967295/],
    ["seed not an integer", { ...valid, seed: 1.5 }, "seed", /integer/],
    ["size malformed", { ...valid, size: "big" }, "size", /WIDTHxHEIGHT/],
    ["size zero", { ...valid, size: "0x512" }, "size", /WIDTHxHEIGHT/],
    ["bad verifier", { ...valid, verifier: "dalle" }, "verifier", /vhs.*clip.*ae.*none/],
    ["bad output_format", { ...valid, output_format: "gif" }, "output_format", /png.*webp.*jpeg/],
    ["bad response_format", { ...valid, response_format: "url" }, "response_format", /b64_json.*bytes/],
    ["verifier none with n 4", { prompt: "p", n: 4, verifier: "none" }, "n", /n must be 1/],
    ["unknown field", { ...valid, steps: 4 }, "", /steps/],
  ])("rejects %s", (_name, input, path, message) => {
    const found = issues(input);
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((issue) => issue.path === path && message.test(issue.message))).toBe(true);
  });

  it("takes max_n as a cap on a budget's candidates, never beside an explicit n", () => {
    const capped = GenerateRequestSchema.parse({ prompt: "a fox", budget_ms: 400, max_n: 8 });
    expect(capped.max_n).toBe(8);
    const withN = GenerateRequestSchema.safeParse({ prompt: "a fox", n: 4, max_n: 8 });
    expect(withN.success).toBe(false);
    expect(withN.error?.issues.map((i) => i.path.join("."))).toContain("max_n");
    expect(GenerateRequestSchema.safeParse({ prompt: "a fox", budget_ms: 400, max_n: 65 }).success).toBe(
      false,
    );
    expect(GenerateRequestSchema.safeParse({ prompt: "a fox", budget_ms: 400, max_n: 0 }).success).toBe(
      false,
    );
  });

  it("allows verifier none with n 1 or with a budget", () => {
    expect(GenerateRequestSchema.safeParse({ prompt: "p", n: 1, verifier: "none" }).success).toBe(true);
    expect(GenerateRequestSchema.safeParse({ prompt: "p", budget_ms: 500, verifier: "none" }).success).toBe(
      true,
    );
  });

  it("rejects non-objects", () => {
    for (const input of [null, [], "prompt", 7])
      expect(GenerateRequestSchema.safeParse(input).success).toBe(false);
  });
});

const response = {
  id: "req_1",
  created: 1_795_000_000,
  model: "tiny",
  image: { b64_json: "iVBORw0KGgo=", mime_type: "image/png", width: 128, height: 128 },
  chosen_index: 1,
  candidates: [
    { index: 0, seed: 7, score: -0.4, verdict: "no" },
    { index: 1, seed: 8, score: 0.9, verdict: "yes" },
  ],
  n: 2,
  n_requested: 2,
  load_limited: false,
  planned_ms: null,
  timings: { queue_ms: 0, text_encode_ms: 3, propose_ms: 15, finish_ms: 12, encode_ms: 2, total_ms: 32 },
  usage: { credits: 3 },
};

describe("GenerateResponseSchema", () => {
  it("accepts a full response, with extra stage timings", () => {
    const withClip = { ...response, timings: { ...response.timings, clip_verify_ms: 5 } };
    expect(GenerateResponseSchema.parse(withClip)).toEqual(withClip);
  });

  it("rejects a score outside [−1, 1] and a bad verdict", () => {
    const bad = (candidate: object) => ({ ...response, candidates: [candidate] });
    expect(
      GenerateResponseSchema.safeParse(bad({ index: 0, seed: 1, score: 1.5, verdict: "yes" })).success,
    ).toBe(false);
    expect(
      GenerateResponseSchema.safeParse(bad({ index: 0, seed: 1, score: 0.5, verdict: "maybe" })).success,
    ).toBe(false);
  });

  it("has a metadata form without the image data", () => {
    const { b64_json: _data, ...image } = response.image;
    expect(GenerateMetadataSchema.parse({ ...response, image })).toEqual({ ...response, image });
  });
});
