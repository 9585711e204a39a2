// The demo's table: one row per request with the N the budget bought, the chosen candidate, the
// score spread across candidates and the stage timings the backend reported.
import type { GenerateResult } from "tinyscale";
import { renderTable } from "./table.js";

export interface DemoRow {
  prompt: string;
  /** The budget the demo chose for this row. */
  budget: number;
  /** The budget the answer came with: looser than `budget` after the busy machine refused that one. */
  servedBudget: number;
  result: GenerateResult;
  roundTripMs: number;
  /** The image's file name inside the output folder. */
  file: string;
}

const ms = (value: number | undefined | null) =>
  value === undefined || value === null ? "-" : value.toFixed(0);
// Tiny bundle scores sit close to 0 (random toy weights), so four decimals, signed.
const score = (value: number) => `${value >= 0 ? "+" : ""}${value.toFixed(4)}`;

export function printRows(rows: DemoRow[], outDir: string): void {
  const body = rows.map(({ prompt, budget, servedBudget, result, roundTripMs, file }) => {
    const chosen = result.candidates[result.chosenIndex];
    const scores = result.candidates.map((c) => c.score);
    const t = result.timings;
    return [
      prompt,
      servedBudget === budget ? `${budget}` : `${budget}→${servedBudget}`,
      result.n === result.nRequested ? `${result.n}` : `${result.n} of ${result.nRequested}`,
      `#${result.chosenIndex} seed ${chosen?.seed ?? "?"}`,
      chosen ? `${score(chosen.score)} ${chosen.verdict}` : "-",
      `${score(Math.min(...scores))} … ${score(Math.max(...scores))}`,
      ms(result.plannedMs),
      ms(t.total_ms),
      `${ms(t.text_encode_ms)}/${ms(t.propose_ms)}/${ms(t.finish_ms)}/${ms(t.encode_ms)}`,
      ms(roundTripMs),
      `${outDir}/${file}`,
    ];
  });
  const table = renderTable(
    [
      { header: "prompt" },
      { header: "budget", align: "right" },
      { header: "N", align: "right" },
      { header: "chosen" },
      { header: "chosen score" },
      { header: "all N scores" },
      { header: "planned", align: "right" },
      { header: "backend", align: "right" },
      { header: "text/propose/finish/encode" },
      { header: "round trip", align: "right" },
      { header: "image" },
    ],
    body,
  );
  console.log(
    `\n${table}\n(times in ms; N = candidates scored, "of" the planned N when the deadline cut it short;` +
      ` chosen = argmax of the verifier's scores; a→b: budget a was refused by the busy machine, b served)\n`,
  );
}
