// client.generate(): the request it sends (auth, body with response_format "bytes", Accept) and how it
// reads both answer forms — raw image bytes + X-Tinyscale-Metadata, or JSON with b64_json.
import { describe, expect, it } from "vitest";
import { Tinyscale } from "../src/client.js";
import { InvalidResponseError } from "../src/core/errors.js";
import type { GenerateMetadata } from "../src/types.js";
import { countingFetch, jsonResponse } from "./helpers/counting-fetch.js";
import { encodePng, readPngSize } from "./helpers/png.js";

const METADATA: GenerateMetadata = {
  id: "req_gen",
  created: 1_796_000_000,
  model: "tiny",
  image: { mime_type: "image/png", width: 24, height: 16 },
  chosen_index: 1,
  candidates: [
    { index: 0, seed: 7, score: -0.4, verdict: "no" },
    { index: 1, seed: 8, score: 0.9, verdict: "yes" },
  ],
  n: 2,
  n_requested: 2,
  load_limited: false,
  planned_ms: 80.5,
  timings: { queue_ms: 0.1, text_encode_ms: 1, propose_ms: 10, finish_ms: 5, encode_ms: 1, total_ms: 18 },
  usage: { credits: 3 },
};

function bytesResponse(png: Uint8Array, metadata: GenerateMetadata | null): Response {
  const headers: Record<string, string> = { "content-type": "image/png", "x-request-id": "req_gen" };
  if (metadata !== null) headers["x-tinyscale-metadata"] = JSON.stringify(metadata);
  return new Response(png, { headers });
}

describe("generate", () => {
  it("asks for raw bytes and returns the image with its metadata", async () => {
    const png = encodePng(24, 16);
    const { fetch, calls } = countingFetch([bytesResponse(png, METADATA)]);
    const client = new Tinyscale({ apiKey: "ts_test_abc", baseURL: "http://api.test/", fetch });
    const result = await client.generate({ prompt: "a red fox", budget_ms: 500, seed: 7 });

    expect(calls).toHaveLength(1);
    const call = calls[0];
    expect(call?.method).toBe("POST");
    expect(call?.url).toBe("http://api.test/v1/generate");
    expect(call?.headers.get("authorization")).toBe("Bearer ts_test_abc");
    expect(call?.headers.get("content-type")).toBe("application/json");
    expect(call?.headers.get("accept")).toContain("image/png");
    expect(JSON.parse(call?.body ?? "")).toEqual({
      prompt: "a red fox",
      budget_ms: 500,
      seed: 7,
      response_format: "bytes",
    });

    expect(result.image).toEqual(png);
    expect(readPngSize(result.image)).toEqual({ width: 24, height: 16 });
    expect(result).toMatchObject({
      mimeType: "image/png",
      width: 24,
      height: 16,
      chosenIndex: 1,
      candidates: METADATA.candidates,
      n: 2,
      nRequested: 2,
      loadLimited: false,
      plannedMs: 80.5,
      timings: METADATA.timings,
      usage: { credits: 3 },
      requestId: "req_gen",
      model: "tiny",
      created: 1_796_000_000,
      replayed: false,
    });
  });

  it("reads a JSON answer with b64_json (a server that ignores response_format)", async () => {
    const png = encodePng(8, 4);
    const body = {
      ...METADATA,
      image: { ...METADATA.image, width: 8, height: 4, b64_json: Buffer.from(png).toString("base64") },
    };
    const { fetch } = countingFetch([jsonResponse(200, body)]);
    const result = await new Tinyscale({ apiKey: "k", baseURL: "http://api.test", fetch }).generate({
      prompt: "x",
      n: 2,
    });
    expect(result.image).toEqual(png);
    expect(result).toMatchObject({ width: 8, height: 4, chosenIndex: 1, requestId: "req_test" });
  });

  it('imageTransport "b64_json" asks for one JSON body', async () => {
    const png = encodePng(8, 4);
    const body = {
      ...METADATA,
      image: { ...METADATA.image, width: 8, height: 4, b64_json: Buffer.from(png).toString("base64") },
    };
    const { fetch, calls } = countingFetch([jsonResponse(200, body)]);
    const client = new Tinyscale({
      apiKey: "k",
      baseURL: "http://api.test",
      fetch,
      imageTransport: "b64_json",
    });
    const result = await client.generate({ prompt: "x", n: 2 });
    expect(JSON.parse(calls[0]?.body ?? "")).toMatchObject({ response_format: "b64_json" });
    expect(result.image).toEqual(png);
  });

  it("an image answer without metadata is InvalidResponseError, not retried", async () => {
    const { fetch, calls } = countingFetch(() => bytesResponse(encodePng(2, 2), null));
    const client = new Tinyscale({ apiKey: "k", baseURL: "http://api.test", fetch });
    const error = await client.generate({ prompt: "x", n: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ status: 200, code: "invalid_response", requestId: "req_gen" });
    expect(calls).toHaveLength(1);
  });

  it("takes its key and endpoint from TINYSCALE_API_KEY / TINYSCALE_BASE_URL", async () => {
    const saved = { key: process.env.TINYSCALE_API_KEY, url: process.env.TINYSCALE_BASE_URL };
    process.env.TINYSCALE_API_KEY = "ts_test_from_env";
    process.env.TINYSCALE_BASE_URL = "http://env.test:9000";
    try {
      const { fetch, calls } = countingFetch([jsonResponse(200, { data: [] })]);
      const client = new Tinyscale({ fetch });
      expect(client.baseURL).toBe("http://env.test:9000");
      await client.models();
      expect(calls[0]?.url).toBe("http://env.test:9000/v1/models");
      expect(calls[0]?.headers.get("authorization")).toBe("Bearer ts_test_from_env");
    } finally {
      restore("TINYSCALE_API_KEY", saved.key);
      restore("TINYSCALE_BASE_URL", saved.url);
    }
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
