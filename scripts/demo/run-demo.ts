// `npm run demo`: starts the local stack on the tiny bundle, generates a few prompts at two latency
// budgets through the SDK, prints what each request did, writes the images to out/, stops, exits 0.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { RetryEvent } from "tinyscale";
import { assertBuilt, NotBuiltError } from "../local/prerequisites.js";
import { repoRoot } from "../local/repo-root.js";
import { chooseBudgets } from "./budgets.js";
import { checkImage, extensionFor } from "./image-file.js";
import { type DemoRow, printRows } from "./report.js";

const PROMPTS = [
  "a red fox in the snow",
  "a lighthouse at dusk, oil painting",
  "a bowl of ramen, studio photo",
];

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

async function main(): Promise<void> {
  assertBuilt(repoRoot);
  const { startLocalStack } = await import("../local/stack.js");
  const { Tinyscale } = await import("tinyscale");
  const outDir = process.env.TINYSCALE_DEMO_OUT ?? join(repoRoot, "out");
  mkdirSync(outDir, { recursive: true });

  console.log("starting the gpu-backend (tiny bundle, CPU) and the edge (workerd) on 127.0.0.1 …");
  const started = performance.now();
  const stack = await startLocalStack({ repoRoot, logDir: outDir, keyName: "demo" });
  console.log(
    `stack up in ${(performance.now() - started).toFixed(0)} ms (the backend measures its latency profile at start-up)`,
  );
  console.log(
    `  edge ${stack.edgeUrl} · backend ${stack.backendUrl} · dev key ${stack.apiKey.slice(0, 12)}…`,
  );
  try {
    // A busy machine can miss a tight deadline (504) now and then; the SDK retries those, visibly.
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
        `  this machine fits all ${maxN} candidates of the tiny bundle in either budget, so both plan N = ${maxN};` +
          " on a busier machine or a real bundle N grows with the budget",
      );
    }
    // The first budgeted request through a fresh edge also loads the backend's profile and the key's
    // meter; one untimed request with the looser budget keeps that one-off cost out of the table.
    await client.generate({ prompt: "warm-up", budget_ms: Math.max(...budgets), seed: 0 });
    const rows: DemoRow[] = [];
    for (const [p, prompt] of PROMPTS.entries()) {
      for (const budget of budgets) {
        const wall = performance.now();
        const result = await client.generate({ prompt, budget_ms: budget, seed: 1000 + p });
        const roundTripMs = performance.now() - wall;
        checkImage(result.image, result.mimeType, result.width, result.height);
        const name = `${p + 1}-${slug(prompt)}-${budget}ms.${extensionFor(result.mimeType)}`;
        writeFileSync(join(outDir, name), result.image);
        rows.push({ prompt, budget, result, roundTripMs, file: name });
      }
    }
    printRows(rows, relative(process.cwd(), outDir) || ".");
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
