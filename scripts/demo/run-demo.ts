// `npm run demo`: starts the local stack on the tiny bundle, generates a few prompts at two latency
// budgets through the SDK, prints what each request did, writes the images to out/, stops, exits 0.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { assertBuilt, NotBuiltError } from "../local/prerequisites.js";
import { repoRoot } from "../local/repo-root.js";
import { checkImage, extensionFor } from "./image-file.js";
import { renderTable } from "./table.js";

const PROMPTS = [
  "a red fox in the snow",
  "a lighthouse at dusk, oil painting",
  "a bowl of ramen, studio photo",
];
/** Two budgets: a tight one (few candidates) and a looser one (more candidates in the same call). */
const BUDGETS_MS = budgetsFromEnv() ?? [150, 600];

function budgetsFromEnv(): number[] | undefined {
  const raw = process.env.TINYSCALE_DEMO_BUDGETS;
  if (!raw) return undefined;
  const budgets = raw.split(",").map(Number);
  if (budgets.some((b) => !Number.isInteger(b) || b <= 0))
    throw new Error(`TINYSCALE_DEMO_BUDGETS: "${raw}"`);
  return budgets;
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 32);
const ms = (value: number | undefined | null) =>
  value === undefined || value === null ? "-" : value.toFixed(0);

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
    `stack up in ${ms(performance.now() - started)} ms: edge ${stack.edgeUrl}, backend ${stack.backendUrl}`,
  );
  try {
    const client = new Tinyscale({ apiKey: stack.apiKey, baseURL: stack.edgeUrl });
    const rows: string[][] = [];
    for (const [p, prompt] of PROMPTS.entries()) {
      for (const budget of BUDGETS_MS) {
        const seed = 1000 + p;
        const wall = performance.now();
        const result = await client.generate({ prompt, budget_ms: budget, seed });
        const roundTrip = performance.now() - wall;
        checkImage(result.image, result.mimeType, result.width, result.height);
        const file = join(outDir, `${p + 1}-${slug(prompt)}-${budget}ms.${extensionFor(result.mimeType)}`);
        writeFileSync(file, result.image);
        const scores = result.candidates
          .map(
            (c, i) => `${c.score >= 0 ? "+" : ""}${c.score.toFixed(2)}${i === result.chosenIndex ? "*" : ""}`,
          )
          .join(" ");
        const t = result.timings;
        rows.push([
          prompt,
          `${budget}`,
          `${result.n}`,
          `${result.chosenIndex} (seed ${result.candidates[result.chosenIndex]?.seed ?? "?"})`,
          scores,
          ms(result.plannedMs),
          ms(t.total_ms),
          `${ms(t.text_encode_ms)}/${ms(t.propose_ms)}/${ms(t.finish_ms)}/${ms(t.encode_ms)}`,
          ms(roundTrip),
          relative(process.cwd(), file),
        ]);
      }
    }
    console.log(
      `\n${renderTable(
        [
          { header: "prompt" },
          { header: "budget ms", align: "right" },
          { header: "N", align: "right" },
          { header: "chosen" },
          { header: "scores (* = chosen)" },
          { header: "planned ms", align: "right" },
          { header: "backend ms", align: "right" },
          { header: "text/propose/finish/encode ms" },
          { header: "round trip ms", align: "right" },
          { header: "image" },
        ],
        rows,
      )}\n`,
    );
    const usage = await client.usage();
    console.log(
      `credits used by the demo key: ${usage.credits_used} of ${usage.credits_quota} (N + 1 per request)`,
    );
    console.log(`${rows.length} images written to ${relative(process.cwd(), outDir) || "."}/`);
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
