// `tinyscale plan | usage | models`: one read-only call each, printed as a short table or as JSON.
import type { Tinyscale } from "../../client.js";
import type { Verifier } from "../../types.js";
import { renderTable } from "../table.js";

export async function runPlan(
  client: Tinyscale,
  input: { budgetMs: number; verifier: Verifier | undefined; json: boolean },
  signal: AbortSignal,
): Promise<void> {
  const plan = await client.plan(
    input.verifier === undefined
      ? { budget_ms: input.budgetMs }
      : { budget_ms: input.budgetMs, verifier: input.verifier },
    { signal },
  );
  if (input.json) return print(JSON.stringify(plan, null, 2));
  const stages = Object.entries(plan.breakdown).map(([stage, ms]) => [stage, ms.toFixed(1)]);
  print(
    [
      `budget ${plan.budget_ms} ms → n = ${plan.n} (max ${plan.max_n}), predicted ${plan.predicted_ms.toFixed(1)} ms ` +
        `+ ${plan.network_margin_ms} ms network margin`,
      "",
      renderTable(["stage", "ms"], stages, new Set([1])),
    ].join("\n"),
  );
}

export async function runUsage(
  client: Tinyscale,
  input: { json: boolean },
  signal: AbortSignal,
): Promise<void> {
  const usage = await client.usage({ signal });
  if (input.json) return print(JSON.stringify(usage, null, 2));
  print(
    renderTable(
      ["field", "value"],
      [
        ["key", usage.key_id],
        ["period", `${usage.period_start} → ${usage.period_end}`],
        ["credits quota", String(usage.credits_quota)],
        ["credits used", String(usage.credits_used)],
        ["credits reserved", String(usage.credits_reserved)],
        ["credits remaining", String(usage.credits_remaining)],
        ["requests", String(usage.requests)],
        ["rate limit", `${usage.rate_limit.rpm}/min, burst ${usage.rate_limit.burst}`],
        ["max concurrent", String(usage.max_concurrent)],
      ],
    ),
  );
}

export async function runModels(
  client: Tinyscale,
  input: { json: boolean },
  signal: AbortSignal,
): Promise<void> {
  const models = await client.models({ signal });
  if (input.json) return print(JSON.stringify(models, null, 2));
  const rows = models.data.map((m) => [
    m.id,
    m.sizes.map((s) => (s === m.default_size ? `${s}*` : s)).join(" "),
    m.verifiers.join(" "),
    String(m.max_n),
    String(m.max_batch),
  ]);
  print(renderTable(["model", "sizes (*default)", "verifiers", "max_n", "max_batch"], rows, new Set([3, 4])));
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}
