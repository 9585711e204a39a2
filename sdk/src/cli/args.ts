// Parses the CLI's argv into a typed command, or a UsageError that main prints with the help text.
// node:util parseArgs does the tokenizing; this file checks values (integers, enums) and picks the command.
import { parseArgs } from "node:util";
import type { CreateKeyParams, OutputFormat, Verifier } from "../types.js";

export class UsageError extends Error {}

const VERIFIERS: readonly Verifier[] = ["vhs", "clip", "ae", "none"];
const FORMATS: readonly OutputFormat[] = ["png", "webp", "jpeg"];

export interface GlobalFlags {
  baseURL: string | undefined;
  apiKey: string | undefined;
  adminToken: string | undefined;
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
  | { name: "models" }
  | { name: "keys-list" }
  | { name: "keys-create"; params: CreateKeyParams }
  | { name: "keys-revoke"; id: string };

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
      "admin-token": { type: "string" },
      name: { type: "string" },
      env: { type: "string" },
      rpm: { type: "string" },
      burst: { type: "string" },
      concurrency: { type: "string" },
      quota: { type: "string" },
      period: { type: "string" },
      timeout: { type: "string" },
      "max-retries": { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
  const flags: GlobalFlags = {
    baseURL: values["base-url"],
    apiKey: values["api-key"],
    adminToken: values["admin-token"],
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
    case "keys":
      return { command: parseKeysCommand(rest, values), flags };
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}

type KeyFlags = Partial<
  Record<"name" | "env" | "rpm" | "burst" | "concurrency" | "quota" | "period", string>
>;

function parseKeysCommand(rest: string[], values: KeyFlags): Command {
  const [action, id] = rest;
  if (action === "list") return { name: "keys-list" };
  if (action === "revoke") {
    if (id === undefined) throw new UsageError("keys revoke needs a key id: tinyscale keys revoke key_…");
    return { name: "keys-revoke", id };
  }
  if (action !== "create") throw new UsageError('keys needs "list", "create --name NAME" or "revoke ID"');
  if (values.name === undefined) throw new UsageError("keys create needs --name");
  const params: CreateKeyParams = { name: values.name };
  const environment = optionalEnum(values.env, "--env", ["live", "test"] as const);
  if (environment !== undefined) params.environment = environment;
  const rpm = optionalInt(values.rpm, "--rpm", 1);
  if (rpm !== undefined) params.rpm = rpm;
  const burst = optionalInt(values.burst, "--burst", 1);
  if (burst !== undefined) params.burst = burst;
  const concurrency = optionalInt(values.concurrency, "--concurrency", 1);
  if (concurrency !== undefined) params.max_concurrent = concurrency;
  const quota = optionalInt(values.quota, "--quota", 0);
  if (quota !== undefined) params.credits_quota = quota;
  const period = optionalEnum(values.period, "--period", ["day", "month"] as const);
  if (period !== undefined) params.period = period;
  return { name: "keys-create", params };
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
