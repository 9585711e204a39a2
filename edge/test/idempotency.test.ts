// Idempotency-Key inside workerd: a replay returns the stored response without a second charge, a
// concurrent duplicate gets 409, the same key with another body 422, and a failed first try frees the key.
import { describe, expect, it } from "vitest";
import { errorCode, eventually, type TestEdge } from "./helpers/edge-fixture.js";
import type { FakeBackend } from "./helpers/fake-backend.js";
import { startEdgeWithFakeBackend } from "./helpers/start-edge-with-fake-backend.js";

let backend: FakeBackend;
let edge: TestEdge;

startEdgeWithFakeBackend((started) => {
  ({ edge, backend } = started);
});

async function creditsUsed(key: string): Promise<number> {
  return ((await (await edge.fetch("/v1/usage", { key })).json()) as { credits_used: number }).credits_used;
}

describe("Idempotency-Key", () => {
  it("replays the stored response without a new charge or a new backend call", async () => {
    const created = await edge.createKey();
    const body = { prompt: "a fox", n: 2, seed: 42 };
    const first = await edge.generate(created.key, body, { "idempotency-key": "order-1" });
    expect(first.status).toBe(200);
    const firstBody = await first.text();
    const calls = backend.received.length;

    const replay = await edge.generate(created.key, body, { "idempotency-key": "order-1" });
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.headers.get("content-type")).toContain("application/json");
    expect(replay.headers.get("ratelimit")).not.toBeNull();
    expect(await replay.text()).toBe(firstBody);
    expect(backend.received.length).toBe(calls);
    expect(await creditsUsed(created.key)).toBe(3);

    const rows = await eventually(
      () => edge.ledger(created.id),
      (ledger) => ledger.length === 2,
    );
    expect(rows.map((row) => [row.outcome, row.credits_charged])).toEqual([
      ["charged", 3],
      ["replayed", 0],
    ]);
  });

  it("answers 409 idempotency_in_flight while the first request runs", async () => {
    const created = await edge.createKey();
    const body = { prompt: "slow-1000", n: 1 };
    const first = edge.generate(created.key, body, { "idempotency-key": "order-2" });
    // Wait until the first request holds its reservation, i.e. it is running.
    await eventually(
      async () =>
        (await (await edge.fetch("/v1/usage", { key: created.key })).json()) as { credits_reserved: number },
      (current) => current.credits_reserved > 0,
    );
    const duplicate = await edge.generate(created.key, body, { "idempotency-key": "order-2" });
    expect(duplicate.status).toBe(409);
    expect(await errorCode(duplicate)).toBe("idempotency_in_flight");
    expect((await first).status).toBe(200);
    expect(await creditsUsed(created.key)).toBe(2);
  });

  it("answers 422 idempotency_mismatch for the same key with a different body", async () => {
    const created = await edge.createKey();
    expect(
      (await edge.generate(created.key, { prompt: "a fox", n: 1 }, { "idempotency-key": "order-3" })).status,
    ).toBe(200);
    const other = await edge.generate(
      created.key,
      { prompt: "a cat", n: 1 },
      { "idempotency-key": "order-3" },
    );
    expect(other.status).toBe(422);
    expect(await errorCode(other)).toBe("idempotency_mismatch");
    expect(await creditsUsed(created.key)).toBe(2);
  });

  it("keys are per API key: another key may use the same Idempotency-Key", async () => {
    const a = await edge.createKey();
    const b = await edge.createKey();
    expect(
      (await edge.generate(a.key, { prompt: "a fox", n: 1 }, { "idempotency-key": "shared" })).status,
    ).toBe(200);
    const other = await edge.generate(b.key, { prompt: "a cat", n: 1 }, { "idempotency-key": "shared" });
    expect(other.status).toBe(200);
    expect(other.headers.get("idempotent-replayed")).toBeNull();
  });

  it("a failed first attempt is refunded and frees the key, so the retry runs and is charged once", async () => {
    const created = await edge.createKey();
    const failed = await edge.generate(
      created.key,
      { prompt: "fail-500", n: 1 },
      { "idempotency-key": "order-4" },
    );
    expect(failed.status).toBe(502);
    expect(await creditsUsed(created.key)).toBe(0);
    // Same key, same body: runs again (the fake fails again, still no charge).
    const retry = await edge.generate(
      created.key,
      { prompt: "fail-500", n: 1 },
      { "idempotency-key": "order-4" },
    );
    expect(retry.status).toBe(502);
    expect(await creditsUsed(created.key)).toBe(0);
  });

  it("replays byte responses (response_format bytes) with their metadata header", async () => {
    const created = await edge.createKey();
    const body = { prompt: "a fox", n: 1, response_format: "bytes" };
    const first = await edge.generate(created.key, body, { "idempotency-key": "bytes-1" });
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("image/png");
    const metadata = JSON.parse(first.headers.get("x-tinyscale-metadata") ?? "{}") as {
      usage: { credits: number };
    };
    expect(metadata.usage.credits).toBe(2);
    expect(await creditsUsed(created.key)).toBe(2);
    const replay = await edge.generate(created.key, body, { "idempotency-key": "bytes-1" });
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.headers.get("x-tinyscale-metadata")).toBe(first.headers.get("x-tinyscale-metadata"));
    expect(Buffer.from(await replay.arrayBuffer())).toEqual(Buffer.from(await first.arrayBuffer()));
    expect(await creditsUsed(created.key)).toBe(2);
  });

  it("rejects an unusable Idempotency-Key with 400 invalid_request", async () => {
    const created = await edge.createKey();
    const response = await edge.generate(
      created.key,
      { prompt: "a fox", n: 1 },
      { "idempotency-key": "x".repeat(300) },
    );
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe("invalid_request");
  });
});
