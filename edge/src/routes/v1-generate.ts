// POST /v1/generate: authenticate, validate, plan n from the least-loaded backend's profile, reserve
// credits in the key's meter, forward signed, then commit the credits used or refund on any failure.
import {
  GenerateRequestSchema,
  METADATA_HEADER,
  REQUEST_ID_HEADER,
  reserveCreditsFor,
  TinyscaleError,
} from "@tinyscale/shared";
import type { Context, Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { annotatePlannedMs } from "../backends/annotate-plan.js";
import { forwardGeneration, GENERATE_PATH } from "../backends/forward-generation.js";
import { noBackendError } from "../backends/no-backend.js";
import { planGeneration } from "../backends/plan-generation.js";
import { refuseEarly } from "../backends/refuse-early.js";
import { limitsOf } from "../keys/key-record.js";
import { backendUsage } from "../meter/backend-usage.js";
import { idempotencyClaim } from "../meter/idempotency-key.js";
import type { StoredResponse } from "../meter/meter-types.js";
import { rateLimitHeaders } from "../meter/rate-limit-headers.js";
import type { LedgerRow } from "../meter/usage-ledger.js";
import { apiKeyAuth } from "../middleware/api-key-auth.js";
import { PhaseTimer } from "../middleware/server-timing.js";
import { readJsonBody } from "./read-json-body.js";

const KEPT_BACKEND_HEADERS = ["content-type", METADATA_HEADER] as const;

/** Runs `work` to the end even if the client disconnects, so a reservation is always settled. */
function untilDone<T>(c: Context<AppEnv>, work: Promise<T>): Promise<T> {
  c.executionCtx.waitUntil(work.catch(() => undefined));
  return work;
}

function replayResponse(stored: StoredResponse, headers: Record<string, string>): Response {
  const response = new Response(stored.body, { status: stored.status, headers: stored.headers });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  response.headers.set("Idempotent-Replayed", "true");
  return response;
}

export function registerV1Generate(app: Hono<AppEnv>): void {
  app.post(GENERATE_PATH, apiKeyAuth(), async function generate(c) {
    const services = c.get("services");
    const requestId = c.get("requestId");
    // The meter and the ledger key this request by accountingId, which is unique even when the client
    // reuses its X-Request-Id (see middleware/request-id.ts).
    const accountingId = c.get("accountingId");
    const receivedAtMs = c.get("receivedAtMs");
    const key = c.get("apiKey");
    const limits = limitsOf(key);
    const { value: request, raw } = await readJsonBody(c, GenerateRequestSchema);
    const idempotency = await idempotencyClaim(c.req.header("idempotency-key"), "POST", GENERATE_PATH, raw);

    // Up to here: key lookup and body validation. Workers' clock advances on I/O, which is what we time.
    const timer = new PhaseTimer(receivedAtMs);
    timer.mark("auth");
    const ranked = await services.backends.ranked(requestId);
    const first = ranked[0];
    if (!first) {
      throw noBackendError(services.backends, c.get("requestId"));
    }
    refuseEarly(request, first, services.config.networkMarginMs);
    const plan = planGeneration(request, first.profile, services.config, receivedAtMs);
    const credits = reserveCreditsFor(plan.n);
    // Ledger rows are written under waitUntil, never awaited: D1's primary may be far from this colo, and
    // the KeyMeter (not the ledger) is what enforces the quota.
    const ledger = (
      row: Omit<LedgerRow, "requestId" | "keyId" | "idempotencyKey" | "startedAt" | "durationMs">,
    ) =>
      untilDone(
        c,
        services.ledger
          .record({
            requestId: accountingId,
            keyId: key.id,
            idempotencyKey: idempotency?.key ?? null,
            startedAt: new Date(receivedAtMs).toISOString(),
            durationMs: Date.now() - receivedAtMs,
            ...row,
          })
          .catch((error: unknown) => {
            console.error(
              JSON.stringify({ request_id: requestId, message: `ledger write failed: ${String(error)}` }),
            );
          }),
      );

    timer.mark("plan");
    const admission = await services.meter.admit(key.id, {
      requestId: accountingId,
      limits,
      credits,
      leaseMs: plan.timeoutMs + services.config.leaseSlackMs,
      ...(idempotency ? { idempotency } : {}),
    });
    timer.mark("meter");
    c.set("meterHeaders", { ...rateLimitHeaders(admission.snapshot), "Server-Timing": timer.header() });
    const unforwarded = { creditsCharged: 0, nRequested: plan.n, nRun: null, backend: null, backendMs: null };
    if (admission.kind === "denied") {
      const error = new TinyscaleError(admission.code, admission.message, {
        ...(admission.retryAfterSeconds !== undefined
          ? { retryAfterSeconds: admission.retryAfterSeconds }
          : {}),
      });
      void ledger({
        ...unforwarded,
        outcome: "denied",
        status: error.status,
        code: error.code,
        creditsReserved: 0,
      });
      throw error;
    }
    if (admission.kind === "replay") {
      void ledger({
        ...unforwarded,
        outcome: "replayed",
        status: admission.response.status,
        code: null,
        creditsReserved: 0,
      });
      return replayResponse(admission.response, { ...c.get("meterHeaders"), [REQUEST_ID_HEADER]: requestId });
    }

    const settled = untilDone(
      c,
      (async () => {
        try {
          const result = await forwardGeneration(services.backends, ranked, {
            body: JSON.stringify(plan.forwarded),
            requestId,
            // The backend aims to answer early enough for this edge's own work after it (settling,
            // the response) to fit before the caller's deadline too.
            deadlineMs: plan.deadlineMs - services.backends.afterBackendMs,
            timeoutMs: plan.timeoutMs,
            signingSecret: services.config.signingSecret,
          });
          const answeredAtMs = Date.now();
          const used = backendUsage(result.headers, result.body);
          const kept: [string, string][] = [];
          for (const name of KEPT_BACKEND_HEADERS) {
            const value = result.headers.get(name);
            if (value !== null) kept.push([name, value]);
          }
          const { headers, body } = annotatePlannedMs(kept, result.body, plan.plannedMs);
          const stored: StoredResponse = { status: result.status, headers, body };
          timer.mark("backend");
          const settlement = await services.meter.settle(key.id, {
            requestId: accountingId,
            limits,
            credits: used.credits ?? credits,
            ...(idempotency ? { response: stored } : {}),
          });
          void ledger({
            outcome: "charged",
            status: result.status,
            code: null,
            creditsReserved: credits,
            creditsCharged: settlement.charged,
            nRequested: plan.n,
            nRun: used.nRun,
            backend: result.backend,
            backendMs: result.backendMs,
          });
          timer.mark("settle");
          services.backends.observeAfterBackend(Date.now() - answeredAtMs);
          return { ok: true as const, stored, snapshot: settlement.snapshot };
        } catch (error) {
          const refund = await services.meter.refund(key.id, accountingId, limits);
          const failure =
            error instanceof TinyscaleError
              ? error
              : new TinyscaleError("internal_error", "forwarding failed unexpectedly");
          void ledger({
            ...unforwarded,
            outcome: "refunded",
            status: failure.status,
            code: failure.code,
            creditsReserved: credits,
          });
          return { ok: false as const, error: failure, cause: error, snapshot: refund.snapshot };
        }
      })(),
    );
    const outcome = await settled;
    c.set("meterHeaders", { ...rateLimitHeaders(outcome.snapshot), "Server-Timing": timer.header() });
    if (!outcome.ok) {
      if (outcome.error.code === "internal_error") throw outcome.cause;
      throw outcome.error;
    }
    const response = new Response(outcome.stored.body, {
      status: outcome.stored.status,
      headers: outcome.stored.headers,
    });
    for (const [name, value] of Object.entries(c.get("meterHeaders"))) response.headers.set(name, value);
    response.headers.set(REQUEST_ID_HEADER, requestId);
    return response;
  });
}
