// Generates one image with the tinyscale SDK: plan the budget, generate, save the winner, print the scores.
// Run: TINYSCALE_API_KEY=… TINYSCALE_BASE_URL=… npx tsx examples/generate.ts "a red fox in snow" [out.png]
import { writeFile } from "node:fs/promises";
import { APIConnectionError, APIError, Tinyscale } from "tinyscale";

const prompt = process.argv[2] ?? "a red fox in the snow";
const out = process.argv[3] ?? "fox.png";
const budgetMs = Number(process.env.BUDGET_MS ?? 1100);

// Reads TINYSCALE_API_KEY and TINYSCALE_BASE_URL; retries 408/409/429/5xx twice with backoff.
const client = new Tinyscale();

try {
  const plan = await client.plan({ budget_ms: budgetMs });
  console.log(
    `a ${budgetMs} ms budget fits n = ${plan.n} candidates (predicted ${plan.predicted_ms.toFixed(1)} ms)`,
  );

  const result = await client.generate({ prompt, budget_ms: budgetMs });
  await writeFile(out, result.image);
  console.log(
    `wrote ${out}: ${result.width}×${result.height} ${result.mimeType}, ${result.image.length} bytes`,
  );
  // The best five by verifier score; every candidate's seed reproduces it alone with n: 1.
  const best = [...result.candidates].sort((a, b) => b.score - a.score).slice(0, 5);
  for (const candidate of best) {
    const mark = candidate.index === result.chosenIndex ? "▶" : " ";
    console.log(
      `${mark} #${candidate.index} seed ${candidate.seed}  score ${candidate.score.toFixed(4)}  ${candidate.verdict}`,
    );
  }
  console.log(
    `n ${result.n}, ${result.timings.total_ms.toFixed(0)} ms, ${result.usage.credits} credits, request ${result.requestId}`,
  );
} catch (error) {
  // Every API failure is typed: RateLimitError, QuotaExceededError, AuthenticationError, … all APIError.
  if (error instanceof APIError)
    console.error(`API error ${error.status} ${error.code}: ${error.message} (request ${error.requestId})`);
  else if (error instanceof APIConnectionError)
    console.error(`cannot reach ${client.baseURL}: ${error.message}`);
  else throw error;
  process.exitCode = 1;
}
