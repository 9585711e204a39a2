import { describe, expect, it } from "vitest";
import { DEFAULT_OPTIONS, helpText, OPTION_SPECS, OptionsError, parseOptions } from "./options.js";

describe("parseOptions", () => {
  it("uses the documented defaults", () => {
    expect(parseOptions([], {})).toEqual(DEFAULT_OPTIONS);
  });

  it("reads env vars, and flags win over them", () => {
    const env = { PORT: "9000", TINYSCALE_EP: "cuda", TINYSCALE_DEVICE_ID: "3", TINYSCALE_MAX_QUEUE: "2" };
    const options = parseOptions(["--port", "9100", "--max-batch=4", "--allow-unauthenticated"], env);
    expect(options).toMatchObject({ port: 9100, ep: "cuda", deviceId: 3, maxQueue: 2, maxBatch: 4 });
    expect(options !== "help" && options.allowUnauthenticated).toBe(true);
  });

  it("refuses what it cannot read, naming the option", () => {
    expect(() => parseOptions([], { TINYSCALE_EP: "rocm" })).toThrow(
      /unknown execution provider "rocm".*cpu or cuda/,
    );
    expect(() => parseOptions(["--port", "http"], {})).toThrow(
      /--port \/ PORT: expected a non-negative integer/,
    );
    expect(() => parseOptions(["--nope"], {})).toThrow(OptionsError);
    expect(() => parseOptions(["--bundle"], {})).toThrow(/--bundle needs a value/);
    expect(() => parseOptions([], { TINYSCALE_LOG_LEVEL: "loud" })).toThrow(/log-level/);
  });

  it("answers help, and the help text names every flag and env var", () => {
    expect(parseOptions(["--help"], {})).toBe("help");
    const text = helpText();
    for (const spec of OPTION_SPECS) {
      expect(text).toContain(spec.flag);
      if (spec.env) expect(text).toContain(spec.env);
    }
  });
});
