// `tinyscale generate "prompt"`: one generate call with a live spinner, the image written to a file and
// the candidates' scores printed as a table (or the metadata as JSON with --json).
import { writeFile } from "node:fs/promises";
import type { Tinyscale } from "../../client.js";
import type { GenerateResult } from "../../resources/generate.js";
import type { GenerateParams, OutputFormat, Verifier } from "../../types.js";
import { startProgress } from "../progress.js";
import { renderTable } from "../table.js";

export interface GenerateCommandInput {
  prompt: string;
  budgetMs: number | undefined;
  n: number | undefined;
  seed: number | undefined;
  verifier: Verifier | undefined;
  size: string | undefined;
  format: OutputFormat | undefined;
  out: string | undefined;
  json: boolean;
}

/** The paper's headline budget (VHS at 1100 ms, N≈9 on an A100); used when neither --budget nor --n is given. */
export const DEFAULT_BUDGET_MS = 1100;

export async function runGenerate(
  client: Tinyscale,
  input: GenerateCommandInput,
  signal: AbortSignal,
): Promise<void> {
  const params: GenerateParams = { prompt: input.prompt };
  if (input.n !== undefined) params.n = input.n;
  else params.budget_ms = input.budgetMs ?? DEFAULT_BUDGET_MS;
  if (input.seed !== undefined) params.seed = input.seed;
  if (input.verifier !== undefined) params.verifier = input.verifier;
  if (input.size !== undefined) params.size = input.size;
  if (input.format !== undefined) params.output_format = input.format;
  const what = params.n !== undefined ? `n=${params.n}` : `budget ${params.budget_ms} ms`;
  const progress = startProgress(`generating (${what})`);
  let result: GenerateResult;
  try {
    result = await client.generate(params, { signal });
  } finally {
    progress.stop();
  }
  const out =
    input.out ??
    `tinyscale-${result.candidates[result.chosenIndex]?.seed ?? result.created}.${extension(result.mimeType)}`;
  await writeFile(out, result.image);
  if (input.json) {
    const { image: _image, ...metadata } = result;
    process.stdout.write(`${JSON.stringify({ ...metadata, out, bytes: result.image.length }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${formatGenerateSummary(result, out)}\n`);
}

/** Up to this many candidates are listed in index order; beyond it, the best ones by score (--json lists all). */
export const FULL_TABLE_MAX = 16;
const TOP_SHOWN = 10;

export function formatGenerateSummary(result: GenerateResult, out: string): string {
  const many = result.candidates.length > FULL_TABLE_MAX;
  const shown = many
    ? [...result.candidates].sort((a, b) => b.score - a.score).slice(0, TOP_SHOWN)
    : result.candidates;
  const rows = shown.map((c) => [
    c.index === result.chosenIndex ? `▶ ${c.index}` : `  ${c.index}`,
    String(c.seed),
    c.score.toFixed(4),
    c.verdict,
  ]);
  const planned = result.plannedMs === null ? "" : `, planned ${result.plannedMs.toFixed(0)} ms`;
  const hidden = result.candidates.length - shown.length;
  return [
    renderTable(["cand", "seed", "score", "verdict"], rows, new Set([1, 2])),
    ...(many ? [`… ${hidden} more candidates, best ${TOP_SHOWN} shown by score (--json lists all)`] : []),
    "",
    `wrote ${out} (${result.width}×${result.height} ${result.mimeType}, ${result.image.length} bytes)`,
    `model ${result.model}, n ${result.n}/${result.nRequested}, ${result.timings.total_ms.toFixed(0)} ms${planned}, ` +
      `${result.usage.credits} credits, request ${result.requestId}`,
  ].join("\n");
}

function extension(mimeType: string): string {
  return mimeType === "image/jpeg" ? "jpg" : (mimeType.split("/")[1] ?? "img");
}
