// POST /v1/generate: shed what the backend has no room for, authenticate, validate, plan n from the
// backend with the earliest predicted start, admit it there (or refuse it, 503), then run it metered
// (reserve credits → forward signed → charge or refund → ledger) and answer with the outcome.
import { GenerateRequestSchema, generateRoute, honoPath, REQUEST_ID_HEADER } from "@tinyscale/shared";
import type { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { admitForBackend } from "../backends/admit-for-backend.js";
import { noBackendError } from "../backends/no-backend.js";
import { planGeneration } from "../backends/plan-generation.js";
import { sendGeneration } from "../backends/send-generation.js";
import { limitsOf } from "../keys/key-record.js";
import { idempotencyClaim } from "../meter/idempotency-key.js";
import type { StoredResponse } from "../meter/meter-types.js";
import { MeteredGeneration } from "../meter/metered-generation.js";
import { rateLimitHeaders } from "../meter/rate-limit-headers.js";
import { apiKeyAuth } from "../middleware/api-key-auth.js";
import { PhaseTimer } from "../middleware/server-timing.js";
import { shedOverload } from "../middleware/shed-overload.js";
import { readJsonBody } from "./read-json-body.js";

function responseOf(stored: StoredResponse, headers: Record<string, string>): Response {
  const response = new Response(stored.body, { status: stored.status, headers: stored.headers });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export function registerV1Generate(app: Hono<AppEnv>): void {
  // Overload is shed before the key lookup (middleware/shed-overload.ts); admitted requests are checked
  // again below, where they claim their place at the backend.
  app.on(
    generateRoute.method,
    honoPath(generateRoute),
    shedOverload(),
    apiKeyAuth(),
    async function generate(c) {
      const services = c.get("services");
      const requestId = c.get("requestId");
      const receivedAtMs = c.get("receivedAtMs");
      const { value: request, raw } = await readJsonBody(c, GenerateRequestSchema);
      const idempotency = await idempotencyClaim(
        c.req.header("idempotency-key"),
        "POST",
        generateRoute.path,
        raw,
      );

      // Up to here: key lookup and body validation. Workers' clock advances on I/O, which is what we time.
      const timer = new PhaseTimer(receivedAtMs);
      timer.mark("auth");
      const ranked = await services.backends.ranked(requestId, (work) =>
        c.executionCtx.waitUntil(work.catch(() => undefined)),
      );
      const first = ranked[0];
      if (!first) throw noBackendError(services.backends, requestId);
      // Planned first: a budget too small even for an idle backend is the caller's mistake (400), not load.
      const plan = planGeneration(
        request,
        first.profile,
        services.config,
        receivedAtMs,
        services.backends.promptCached(first.url, request.prompt),
      );
      // No await between the plan and here: the check and the claim see every request admitted before.
      const released = admitForBackend(services.backends, first.url, request, plan, {
        receivedAtMs,
        nowMs: Date.now(),
        networkMarginMs: services.config.networkMarginMs,
      });
      timer.mark("plan");
      const admittedAtMs = Date.now();

      const metered = new MeteredGeneration({
        meter: services.meter,
        ledger: services.ledger,
        keepAlive: (work) => c.executionCtx.waitUntil(work.catch(() => undefined)),
        logError: (message) => console.error(JSON.stringify({ request_id: requestId, message })),
        now: Date.now,
      });
      let answeredAtMs: number | null = null;
      const outcome = await metered
        .run(
          {
            keyId: c.get("apiKey").id,
            limits: limitsOf(c.get("apiKey")),
            // Unique even when the client reuses its X-Request-Id (see middleware/request-id.ts).
            accountingId: c.get("accountingId"),
            receivedAtMs,
            idempotency,
            n: plan.n,
            leaseMs: plan.timeoutMs + services.config.leaseSlackMs,
            phases: timer,
          },
          async () => {
            try {
              // The meter's reservation, between the admission's check and the backend's.
              services.backends.observeBeforeBackend(Date.now() - admittedAtMs);
              const answer = await sendGeneration(services.backends, ranked, plan, {
                requestId,
                signingSecret: services.config.signingSecret,
              });
              answeredAtMs = Date.now();
              return answer;
            } finally {
              released(); // the backend no longer owes it anything
            }
          },
        )
        .finally(released); // denied by the meter, or failed before the backend
      // The edge's own time after the backend answered (settling, the response): the next requests ask their
      // backend to finish that much earlier.
      if (outcome.kind === "served" && answeredAtMs !== null) {
        services.backends.observeAfterBackend(Date.now() - answeredAtMs);
      }

      c.set("meterHeaders", { ...rateLimitHeaders(outcome.snapshot), "Server-Timing": timer.header() });
      const headers = { ...c.get("meterHeaders"), [REQUEST_ID_HEADER]: requestId };
      switch (outcome.kind) {
        case "denied":
          throw outcome.error;
        case "failed":
          // Not one of ours: the error handler logs the original and answers a generic 500.
          if (outcome.error.code === "internal_error") throw outcome.cause;
          throw outcome.error;
        case "replayed":
          return responseOf(outcome.response, { ...headers, "Idempotent-Replayed": "true" });
        case "served":
          return responseOf(outcome.response, headers);
      }
    },
  );
}
