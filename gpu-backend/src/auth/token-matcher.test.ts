// The bearer check: equal tokens match, anything else (other content, other length, empty) does not.
import { describe, expect, it } from "vitest";
import { tokenMatcher } from "./token-matcher.js";

describe("tokenMatcher", () => {
  const matches = tokenMatcher("s3cret-token");

  it("matches the configured token only", () => {
    expect(matches("s3cret-token")).toBe(true);
    expect(matches("s3cret-tokem")).toBe(false);
    expect(matches("s3cret-token-longer")).toBe(false);
    expect(matches("")).toBe(false);
  });
});
