// Parses the CLI's argv into a typed command, or a UsageError that main prints with the help text.
// node:util parseArgs does the tokenizing; this file checks values (integers, enums) and picks the command.
import { parseArgs } from "node:util";
import type { OutputFormat, Verifier } from "../types.js";

export class UsageError extends Error {}

const VERIFIERS: readonly Verifier[] = ["vhs", "clip", "ae", "none"];
const FORMATS: readonly OutputFormat[] = ["png", "webp", "jpeg"];

export interface GlobalFlags {
  baseURL: string | undefined;
  apiKey: string | undefined;
  timeout: number | undefined;
  maxRetries: number | undefined;
  json: boolean;
}

export type Command =
  | { name: "help" }
  | { name: "version" }
  | {
      name: "generate";
      prompt: string;
      budgetMs: number | undefined;
      n: number | undefined;
      seed: number | undefined;
      verifier: Verifier | undefined;
      size: string | undefined;
      format: OutputFormat | undefined;
      out: string | undefined;
    }
  | { name: "plan"; budgetMs: number; verifier: Verifier | undefined }
  | { name: "usage" }
  | { name: "models" };

export function parseCommandLine(argv: string[]): { command: Command; flags: GlobalFlags } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      budget: { type: "string", short: "b" },
      n: { type: "string", short: "n" },
      seed: { type: "string" },
      verifier: { type: "string" },
      size: { type: "string" },
      format: { type: "string" },
      out: { type: "string", short: "o" },
      json: { type: "boolean" },
      "base-url": { type: "string" },
      "api-key": { type: "string" },
      timeout: { type: "string" },
      "max-retries": { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
  const flags: GlobalFlags = {
    baseURL: values["base-url"],
    apiKey: values["api-key"],
    timeout: optionalInt(values.timeout, "--timeout", 1),
    maxRetries: optionalInt(values["max-retries"], "--max-retries", 0),
    json: values.json ?? false,
  };
  const [name, ...rest] = positionals;
  if (values.version) return { command: { name: "version" }, flags };
  if (values.help || name === undefined || name === "help") return { command: { name: "help" }, flags };
  const verifier = optionalEnum(values.verifier, "--verifier", VERIFIERS);
  switch (name) {
    case "generate": {
      const prompt = rest.join(" ").trim();
      if (prompt === "")
        throw new UsageError('generate needs a prompt: tinyscale generate "a red fox in snow"');
      const budgetMs = optionalInt(values.budget, "--budget", 1);
      const n = optionalInt(values.n, "--n", 1);
      if (budgetMs !== undefined && n !== undefined) throw new UsageError("pass --budget or --n, not both");
      return {
        command: {
          name,
          prompt,
          budgetMs,
          n,
          seed: optionalInt(values.seed, "--seed", 0),
          verifier,
          size: values.size,
          format: optionalEnum(values.format, "--format", FORMATS),
          out: values.out,
        },
        flags,
      };
    }
    case "plan": {
      const budgetMs = optionalInt(values.budget, "--budget", 1);
      if (budgetMs === undefined) throw new UsageError("plan needs --budget <ms>");
      return { command: { name, budgetMs, verifier }, flags };
    }
    case "usage":
    case "models":
      return { command: { name }, flags };
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}

function optionalInt(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < min) {
    throw new UsageError(`${flag} must be an integer ≥ ${min}, got "${value}"`);
  }
  return parsed;
}

function optionalEnum<T extends string>(
  value: string | undefined,
  flag: string,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined)
    throw new UsageError(`${flag} must be one of ${allowed.join(", ")}, got "${value}"`);
  return match;
}
