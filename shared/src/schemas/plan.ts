// The `POST /v1/plan` request and response: a budget in, the number of candidates the planner
// would run for it, the predicted milliseconds and their breakdown by stage out. Nothing is charged.
import { z } from "@hono/zod-openapi";
import { BudgetMsSchema, requestEnum, VERIFIER_DESCRIPTION, VERIFIERS } from "./common.js";

export const PlanRequestSchema = z
  .strictObject({
    budget_ms: BudgetMsSchema,
    verifier: requestEnum(VERIFIERS, "vhs", VERIFIER_DESCRIPTION),
  })
  .openapi("PlanRequest");
export type PlanRequest = z.infer<typeof PlanRequestSchema>;
export type PlanRequestInput = z.input<typeof PlanRequestSchema>;

export const PlanBreakdownSchema = z.record(z.string(), z.number().min(0)).openapi("PlanBreakdown", {
  description: "Predicted milliseconds per pipeline stage, summed over batches.",
});

export const PlanResponseSchema = z
  .object({
    n: z.number().int().min(1).openapi({ description: "Candidates that fit the budget." }),
    predicted_ms: z
      .number()
      .min(0)
      .openapi({ description: "Predicted pipeline time for n, without the margin." }),
    budget_ms: z.number().int(),
    network_margin_ms: z.number().min(0),
    breakdown: PlanBreakdownSchema,
    max_n: z.number().int().min(1).openapi({ description: "The cap that applied to n." }),
    n_now: z
      .number()
      .int()
      .min(0)
      .openapi({
        description:
          "Candidates the budget buys now, after the queue's predicted wait: `n` on an idle backend, fewer " +
          "under load, 0 when a request would be refused now (503 overloaded).",
      }),
    queue_wait_ms: z.number().min(0).openapi({
      description: "Predicted wait before a request sent now would start, from the backend's current queue.",
    }),
  })
  .openapi("PlanResponse");
export type PlanResponse = z.infer<typeof PlanResponseSchema>;
