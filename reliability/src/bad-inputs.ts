// Generators of bad request bodies (fast-check): random JSON, wrong types, NaN/Infinity and huge numbers
// as raw JSON text, empty/blank/overlong prompts, invalid UTF-8. Each yields the exact bytes to send;
// `isValidGenerate` tells the rare generated body that happens to be a valid request apart.
import { GenerateRequestSchema } from "@tinyscale/shared";
import fc from "fast-check";

export interface BadBody {
  kind: string;
  bytes: Uint8Array;
}

const encoder = new TextEncoder();
const FIELDS = [
  "prompt",
  "n",
  "budget_ms",
  "seed",
  "size",
  "verifier",
  "output_format",
  "response_format",
] as const;

/** Number tokens JSON.parse rejects (NaN, Infinity) or turns into something out of range. */
const NUMBER_TOKENS = [
  "NaN",
  "Infinity",
  "-Infinity",
  "1e999",
  "-1e999",
  "1e308",
  "9007199254740993",
  "18446744073709551616",
  "-0",
  "1e-400",
  "0.5",
  "-1",
  "0x10",
  "01",
  "1_000",
  "+1",
  ".5",
  "4294967296",
  "99999999999999999999999999999999",
] as const;

const text = (value: string) => encoder.encode(value);

function bodyOf(kind: string, value: unknown): BadBody {
  return { kind, bytes: text(JSON.stringify(value)) };
}

/** Any JSON document at all (mostly not an object with a prompt). */
const randomJson = fc.jsonValue({ maxDepth: 3 }).map((value) => bodyOf("random_json", value));

/** The request's own fields, each filled with a value of any JSON type. */
const wrongTypes = fc
  .record(Object.fromEntries(FIELDS.map((field) => [field, fc.jsonValue({ maxDepth: 2 })])), {
    requiredKeys: [],
  })
  .map((value) => bodyOf("wrong_types", value));

/** NaN/Infinity/huge numbers written as raw JSON text into a numeric field. */
const rawNumbers = fc
  .tuple(fc.constantFrom("n", "budget_ms", "seed"), fc.constantFrom(...NUMBER_TOKENS), fc.boolean())
  .map(([field, token, withN]) => {
    const other = field === "n" || !withN ? "" : `,"n":1`;
    return { kind: "raw_number", bytes: text(`{"prompt":"a red fox"${other},"${field}":${token}}`) };
  });

/** Prompts the schema must refuse: empty, blank, control-only, over 2000 characters. */
const badPrompts = fc
  .oneof(
    fc.constant(""),
    fc.stringMatching(/^[ \t\n\r]{1,20}$/),
    fc.string({ minLength: 2001, maxLength: 3000 }).filter((s) => s.trim().length > 2000),
    fc.constant("x".repeat(2001)),
  )
  .map((prompt) => bodyOf("bad_prompt", { prompt, n: 1 }));

/** A valid-looking body with bytes that are not UTF-8 (lone continuation bytes, overlongs, 0xff). */
const invalidUtf8 = fc
  .tuple(
    fc.constantFrom([0xff], [0xc0, 0xaf], [0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]),
    fc.nat(8),
  )
  .map(([bad, at]) => {
    const good = text(`{"prompt":"a red fox ${"z".repeat(at)}","n":1}`);
    const cut = 12 + Math.min(at, 6);
    const bytes = new Uint8Array([...good.slice(0, cut), ...bad, ...good.slice(cut)]);
    return { kind: "invalid_utf8", bytes };
  });

/** Truncated or otherwise broken JSON text. */
const brokenJson = fc
  .tuple(fc.nat(30), fc.constantFrom("", "}", "]", ",", "\u0000", "'"))
  .map(([cut, tail]) => ({
    kind: "broken_json",
    bytes: text(`{"prompt":"a red fox","n":1}`.slice(0, cut) + tail),
  }));

export const badGenerateBody: fc.Arbitrary<BadBody> = fc.oneof(
  randomJson,
  wrongTypes,
  rawNumbers,
  badPrompts,
  invalidUtf8,
  brokenJson,
);

/** True when the bytes decode and parse to a request the shared schema accepts. */
export function isValidGenerate(bytes: Uint8Array): boolean {
  try {
    const json: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return GenerateRequestSchema.safeParse(json).success;
  } catch {
    return false;
  }
}

/** Bad bodies only: the generated ones that are (by chance) valid requests are dropped. */
export const invalidGenerateBody = badGenerateBody.filter((body) => !isValidGenerate(body.bytes));

/** Bodies of the admin/plan routes: random JSON and wrong-typed records. */
export const randomJsonBody = fc.oneof(randomJson, wrongTypes, brokenJson, invalidUtf8);

/** A fixed seed keeps runs reproducible; RELIABILITY_SEED overrides it to explore further. */
export const FC_SEED = Number(process.env.RELIABILITY_SEED ?? 20261127);
