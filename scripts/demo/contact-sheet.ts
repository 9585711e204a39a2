// One HTML contact sheet per prompt: every candidate of the request (fetched alone by its seed), its
// verifier score and yes/no, shapeeval's verdict under it, and the verifier's winner outlined — so a
// person sees at a glance whether the verifier picked a right image when there was one.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Verdict } from "../../bench/src/shapes/shapeeval.js";
import { verdictText } from "./judge-image.js";

export interface SheetCandidate {
  index: number;
  seed: number;
  score: number;
  verdict: "yes" | "no";
  /** Image file, relative to the sheet. */
  file: string;
  judged: Verdict;
}

export interface Sheet {
  prompt: string;
  budget: number;
  model: string;
  chosenIndex: number;
  /** The winner as served by the verifier request (must be candidate chosenIndex's image). */
  winnerFile: string;
  winnerJudged: Verdict;
  candidates: SheetCandidate[];
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function tile(c: SheetCandidate, chosen: boolean): string {
  const judged = c.judged.correct ? "✓ correct" : `✗ ${verdictText(c.judged)}`;
  return [
    `<figure class="${chosen ? "chosen" : ""} ${c.judged.correct ? "ok" : "bad"}">`,
    `<img src="${escapeHtml(c.file)}" alt="candidate ${c.index}">`,
    `<figcaption><b>#${c.index}</b> seed ${c.seed}${chosen ? " · <b>chosen</b>" : ""}<br>`,
    `VHS ${c.score >= 0 ? "+" : ""}${c.score.toFixed(4)} ${c.verdict}<br>`,
    `<span class="judge">shapeeval: ${escapeHtml(judged)}</span></figcaption></figure>`,
  ].join("");
}

export function writeContactSheet(outDir: string, name: string, sheet: Sheet): string {
  const right = sheet.candidates.filter((c) => c.judged.correct).length;
  const chosen = sheet.candidates[sheet.chosenIndex];
  const summary =
    `${sheet.candidates.length} candidates, ${right} judged correct; the verifier chose #${sheet.chosenIndex}, ` +
    `${chosen?.judged.correct ? "a correct one" : right ? "a wrong one while a correct one existed" : "none was correct"}.`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(sheet.prompt)}</title>
<style>
body { font: 13px system-ui, sans-serif; margin: 20px; }
.grid { display: flex; flex-wrap: wrap; gap: 10px; }
figure { margin: 0; width: 180px; padding: 6px; border: 3px solid transparent; }
figure.chosen { border-color: #d22; }
figure img { width: 168px; height: 168px; image-rendering: pixelated; display: block; }
figcaption { margin-top: 4px; line-height: 1.35; }
.ok .judge { color: #1a7f37; } .bad .judge { color: #b42318; }
</style></head><body>
<h1>“${escapeHtml(sheet.prompt)}”</h1>
<p>model <b>${escapeHtml(sheet.model)}</b>, budget ${sheet.budget} ms. ${escapeHtml(summary)}
Winner as served: <img src="${escapeHtml(sheet.winnerFile)}" alt="winner" style="width:48px;image-rendering:pixelated;vertical-align:middle">
shapeeval: ${escapeHtml(verdictText(sheet.winnerJudged))}. The outlined tile is the verifier's choice.</p>
<div class="grid">
${sheet.candidates.map((c) => tile(c, c.index === sheet.chosenIndex)).join("\n")}
</div></body></html>
`;
  const file = join(outDir, `${name}.html`);
  writeFileSync(file, html);
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(sheet, null, 2)}\n`);
  return file;
}
