import { describe, expect, it } from "vitest";
import { TinyscaleError } from "./errors.js";
import { GenerateRequestSchema } from "./schemas/generate.js";
import { UpdateKeyRequestSchema } from "./schemas/keys.js";
import { INVALID_JSON_MESSAGE, parseRequestBody } from "./validation.js";

const bytes = (text: string) => new TextEncoder().encode(text);

function failure(run: () => unknown): TinyscaleError {
  try {
    run();
  } catch (error) {
    if (error instanceof TinyscaleError) return error;
    throw error;
  }
  throw new Error("expected a TinyscaleError");
}

describe("parseRequestBody", () => {
  it("returns the schema's output for a valid body", () => {
    expect(parseRequestBody(GenerateRequestSchema, bytes('{"prompt":" a fox ","n":2}'))).toMatchObject({
      prompt: "a fox",
      n: 2,
      verifier: "vhs",
    });
  });

  it("answers malformed JSON and non-UTF-8 bytes with the one invalid_json text", () => {
    for (const raw of [bytes("{ not json"), new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])]) {
      const error = failure(() => parseRequestBody(GenerateRequestSchema, raw));
      expect({ code: error.code, message: error.message }).toEqual({
        code: "invalid_json",
        message: INVALID_JSON_MESSAGE,
      });
    }
  });

  it("names each bad field, the body itself as `body`, and at most five clauses", () => {
    const empty = failure(() => parseRequestBody(UpdateKeyRequestSchema, bytes("{}")));
    expect(empty.code).toBe("invalid_request");
    expect(empty.message).toBe("body: send at least one field to change");
    const both = failure(() =>
      parseRequestBody(GenerateRequestSchema, bytes('{"prompt":"x","n":1,"budget_ms":50}')),
    );
    expect(both.message).toBe("n: send exactly one of budget_ms or n, not both");
    const everywhere = failure(() =>
      parseRequestBody(
        UpdateKeyRequestSchema,
        bytes('{"a":1,"name":"","rpm":0,"burst":0,"max_concurrent":0,"period":"x","credits_quota":-1}'),
      ),
    );
    expect(everywhere.message.split("; ")).toHaveLength(6);
    expect(everywhere.message).toMatch(/; and \d+ more$/);
  });
});
