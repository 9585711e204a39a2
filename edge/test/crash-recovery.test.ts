// The Worker dies mid-request (workerd stopped with the request in flight, state kept on disk): on
// restart the key's reservation is still held until its lease runs out, then freed — never charged,
// never leaking a concurrency slot.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EDGE_PATHS } from "../src/local/paths.js";
import { type LocalEdge, startLocalEdge } from "../src/local/start-local-edge.js";
import { ADMIN_TOKEN, eventually, SIGNING_SECRET } from "./helpers/edge-fixture.js";
import { type FakeBackend, startFakeBackend } from "./helpers/fake-backend.js";

let backend: FakeBackend;
let directory: string;

beforeAll(async () => {
  backend = await startFakeBackend(SIGNING_SECRET);
  directory = mkdtempSync(join(tmpdir(), "tinyscale-edge-crash-"));
});
afterAll(async () => {
  await backend?.close();
  rmSync(directory, { recursive: true, force: true });
});

function start(): Promise<LocalEdge> {
  return startLocalEdge({
    backends: [backend.url],
    signingSecret: SIGNING_SECRET,
    adminToken: ADMIN_TOKEN,
    scriptPath: EDGE_PATHS.bundle,
    persistTo: directory,
    // Requests sending n time out after 4 s; the reservation's lease ends with that timeout.
    vars: { DEFAULT_TIMEOUT_MS: "4000", TIMEOUT_MARGIN_MS: "0", LEASE_SLACK_MS: "0" },
  });
}

interface Usage {
  credits_used: number;
  credits_reserved: number;
}

async function usage(edge: LocalEdge, key: string): Promise<Usage> {
  return (await (
    await fetch(`${edge.url}/v1/usage`, { headers: { authorization: `Bearer ${key}` } })
  ).json()) as Usage;
}

describe("a Worker that dies mid-request", () => {
  it("leaves a reservation that its lease frees after restart; nothing is charged", async () => {
    let edge = await start();
    const created = (await (
      await fetch(`${edge.url}/admin/keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        // A rate limit far above the polling below: each usage read spends a token.
        body: JSON.stringify({
          name: "crash",
          max_concurrent: 1,
          credits_quota: 10,
          rpm: 100_000,
          burst: 10_000,
        }),
      })
    ).json()) as { key: string };
    const inFlight = fetch(`${edge.url}/v1/generate`, {
      method: "POST",
      headers: { authorization: `Bearer ${created.key}`, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "slow-10000", n: 1 }),
    }).catch((error: unknown) => error);
    const held = await eventually(
      () => usage(edge, created.key),
      (current) => current.credits_reserved > 0,
    );
    expect(held.credits_reserved).toBe(2);

    await edge.close();
    expect(await inFlight).toBeInstanceOf(Error);
    edge = await start();
    try {
      const recovered = await eventually(
        () => usage(edge, created.key),
        (current) => current.credits_reserved === 0,
        10_000,
      );
      expect(recovered).toMatchObject({ credits_used: 0, credits_reserved: 0 });
      const next = await fetch(`${edge.url}/v1/generate`, {
        method: "POST",
        headers: { authorization: `Bearer ${created.key}`, "content-type": "application/json" },
        body: JSON.stringify({ prompt: "a fox", n: 1 }),
      });
      expect(next.status).toBe(200);
      expect((await usage(edge, created.key)).credits_used).toBe(2);
    } finally {
      await edge.close();
    }
  });
});
