// `npm run demo`: starts the local stack on the default bundle (the trained shapes world), generates
// the world's prompts at two latency budgets through the SDK, prints what each request did, writes the
// winners and, per prompt, a contact sheet of every candidate judged by shapeeval to out/, then exits 0.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { GenerateResult, RetryEvent, Tinyscale } from "tinyscale";
import { WORLD } from "../../bench/src/shapes/world.js";
import { assertBuilt, NotBuiltError } from "../local/prerequisites.js";
import { repoRoot } from "../local/repo-root.js";
import { servedBundle } from "../local/served-bundle.js";
import { chooseBudgets } from "./budgets.js";
import { type SheetCandidate, writeContactSheet } from "./contact-sheet.js";
import { checkImage, extensionFor } from "./image-file.js";
import { judgeImage, verdictText } from "./judge-image.js";
import { type DemoRow, printRows } from "./report.js";
import { isBusy, MAX_BUDGET_MS, whenNotBusy, withLooserBudget } from "./when-busy.js";

// One held-out prompt per GenEval task, chosen by the world (bench/src/shapes/generated/world.json).
const PROMPTS = WORLD.demoPrompts;

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 32);

function describeRetry(event: RetryEvent): string {
  const { status, code } = event.error;
  return `attempt ${event.retry + 1} in ${event.delayMs.toFixed(0)} ms after ${status ?? "no answer"} ${code ?? ""}`.trim();
}

interface Served {
  prompt: string;
  budget: number;
  result: GenerateResult;
  /** The winner's file name in outDir. */
  name: string;
}

const log = (line: string) => console.log(line);

/** Fetches every candidate alone (`verifier: "none", n: 1` with its seed reproduces it), judges each and
 * the served winner, writes the sheet; returns a one-line summary naming the sheet. */
async function contactSheet(
  client: Tinyscale,
  outDir: string,
  stem: string,
  served: Served,
): Promise<string> {
  const folder = join(outDir, stem);
  mkdirSync(folder, { recursive: true });
  const candidates: SheetCandidate[] = [];
  for (const c of served.result.candidates) {
    const alone = await whenNotBusy(
      () => client.generate({ prompt: served.prompt, n: 1, seed: c.seed, verifier: "none" }),
      `candidate #${c.index} of "${served.prompt}"`,
      log,
    );
    const file = `${stem}/candidate-${String(c.index).padStart(2, "0")}.${extensionFor(alone.mimeType)}`;
    writeFileSync(join(outDir, file), alone.image);
    candidates.push({ ...c, file, judged: await judgeImage(alone.image, served.prompt) });
  }
  const winnerJudged = await judgeImage(served.result.image, served.prompt);
  const sheet = writeContactSheet(outDir, `${stem}-sheet`, {
    prompt: served.prompt,
    budget: served.budget,
    model: served.result.model,
    chosenIndex: served.result.chosenIndex,
    winnerFile: served.name,
    winnerJudged,
    candidates,
  });
  const right = candidates.filter((c) => c.judged.correct).length;
  return `${relative(process.cwd(), sheet)}: winner #${served.result.chosenIndex} ${verdictText(winnerJudged)} (${right}/${candidates.length} candidates correct)`;
}

async function main(): Promise<void> {
  assertBuilt(repoRoot);
  const { startLocalStack } = await import("../local/stack.js");
  const { Tinyscale } = await import("tinyscale");
  const outDir = process.env.TINYSCALE_DEMO_OUT ?? join(repoRoot, "out");
  mkdirSync(outDir, { recursive: true });

  const bundle = servedBundle(repoRoot);
  if (bundle.note) console.log(`note: ${bundle.note}`);
  console.log(`starting the gpu-backend (${bundle.name} bundle, CPU) and the edge (workerd) on 127.0.0.1 …`);
  const started = performance.now();
  // Contact sheets fetch every candidate alone (2 credits each, one request each): more credits and
  // requests per minute than a default key has.
  const stack = await startLocalStack({
    repoRoot,
    logDir: outDir,
    keyName: "demo",
    bundle: bundle.dir,
    keyLimits: { credits_quota: 100_000, rpm: 6_000, burst: 1_000 },
  });
  console.log(
    `stack up in ${(performance.now() - started).toFixed(0)} ms (the backend measures its latency profile at start-up)`,
  );
  console.log(
    `  edge ${stack.edgeUrl} · backend ${stack.backendUrl} · dev key ${stack.apiKey.slice(0, 12)}…`,
  );
  try {
    // A busy machine can miss a tight deadline (504) or refuse a budget it cannot meet now (503); the SDK
    // retries those, visibly, and when they persist the demo asks again later with a looser budget.
    const client = new Tinyscale({
      apiKey: stack.apiKey,
      baseURL: stack.edgeUrl,
      maxRetries: 4,
      onRetry: (event) => console.log(`  (retrying: ${describeRetry(event)})`),
    });
    const { budgets, maxN, maxNBudget } = await chooseBudgets(client, process.env.TINYSCALE_DEMO_BUDGETS);
    console.log(
      `budgets: ${budgets.join(" ms and ")} ms, from this machine's measured profile ` +
        `(${maxNBudget} ms buys the cap of ${maxN} candidates)`,
    );
    if (budgets.every((budget) => budget >= maxNBudget)) {
      console.log(
        `  this machine fits all ${maxN} candidates of the ${bundle.name} bundle in either budget, so both plan N = ${maxN};` +
          " on a busier machine or a real bundle N grows with the budget",
      );
    }
    // The first budgeted request through a fresh edge also loads the backend's profile and the key's
    // meter; one untimed request with the looser budget keeps that one-off cost out of the table.
    const loosest = Math.max(...budgets);
    const looserThan = (budget: number) => Math.min(budget < loosest ? loosest : 2 * budget, MAX_BUDGET_MS);
    await withLooserBudget(
      (budget_ms) => client.generate({ prompt: "warm-up", budget_ms, seed: 0 }),
      loosest,
      looserThan(loosest),
      log,
    );
    const rows: DemoRow[] = [];
    const sheets: string[] = [];
    for (const [p, prompt] of PROMPTS.entries()) {
      for (const budget of budgets) {
        const wall = performance.now();
        const served = await withLooserBudget(
          (budget_ms) => client.generate({ prompt, budget_ms, seed: 1000 + p }),
          budget,
          looserThan(budget),
          log,
        );
        const result = served.value;
        const roundTripMs = performance.now() - wall;
        checkImage(result.image, result.mimeType, result.width, result.height);
        const name = `${p + 1}-${slug(prompt)}-${budget}ms.${extensionFor(result.mimeType)}`;
        writeFileSync(join(outDir, name), result.image);
        rows.push({ prompt, budget, servedBudget: served.budget, result, roundTripMs, file: name });
        if (budget === loosest) {
          const stem = `${p + 1}-${slug(prompt)}`;
          try {
            sheets.push(
              await contactSheet(client, outDir, stem, { prompt, budget: served.budget, result, name }),
            );
          } catch (error) {
            // the winner and its row stand; only the per-candidate pictures are missing
            if (!isBusy(error)) throw error;
            sheets.push(`${stem}: no contact sheet, the machine stayed busy while fetching its candidates`);
          }
        }
      }
    }
    printRows(rows, relative(process.cwd(), outDir) || ".");
    console.log("contact sheets (every candidate, its score and shapeeval's verdict, the winner outlined):");
    for (const line of sheets) console.log(`  ${line}`);
    const resultsFile = join(outDir, "demo-results.json");
    // `file` is relative to this JSON file's folder; the image bytes are in that file, not here.
    const requests = rows.map(({ result, ...row }) => ({ ...row, ...result, image: undefined }));
    const results = { max_n: maxN, max_n_budget_ms: maxNBudget, budgets_ms: budgets, requests };
    writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    const usage = await client.usage();
    console.log(
      `credits used by the demo key: ${usage.credits_used} of ${usage.credits_quota} (N + 1 per request)`,
    );
    console.log(
      `${rows.length} images and every candidate's score in ${relative(process.cwd(), resultsFile)}, written to ${relative(process.cwd(), outDir) || "."}/`,
    );
  } finally {
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof NotBuiltError) console.error(error.message);
    else console.error("demo failed:", error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
