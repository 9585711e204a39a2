import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { helpText, OPTION_SPECS, OptionsError, parseOptions } from "./options.js";

/** The default column of the README's options table, by flag. */
function readmeDefaults(): Map<string, string> {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const defaults = new Map<string, string>();
  for (const line of readme.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    const flag = /^`(--[a-z-]+)`$/.exec(cells[1] ?? "")?.[1];
    if (flag && cells[3] !== undefined) defaults.set(flag, cells[3]);
  }
  return defaults;
}

describe("parseOptions", () => {
  it("parses to the defaults that --help and the README state", () => {
    const parsed = parseOptions([], {});
    if (parsed === "help") throw new Error("no arguments must not ask for help");
    const readme = readmeDefaults();
    for (const spec of OPTION_SPECS) {
      const value = parsed[spec.key];
      // What --help says (from the spec) and what the README's options table says, for this flag.
      for (const [where, stated] of [
        ["--help", spec.defaultText],
        ["README", readme.get(spec.flag) ?? "(no row)"],
      ] as const) {
        const context = `${spec.flag} in ${where}: "${stated}" vs parsed ${String(value)}`;
        if (typeof value === "boolean") expect(stated, context).toBe(value ? "on" : "off");
        // Unset: the text names what stands in (the bundle's limit, the interface chosen at start-up).
        else if (value === undefined) expect(stated, context).not.toMatch(/^\d+(\s|$)/);
        else expect(stated.replaceAll("`", ""), context).toMatch(new RegExp(`^${String(value)}\\b`));
      }
    }
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
