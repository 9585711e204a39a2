// A revoked key is final: the admin API refuses to change it (409 revoked_key_immutable, the row untouched),
// revoking again answers the first revocation, and the key itself is refused (403 key_revoked).
import { INVALID_JSON_MESSAGE } from "@tinyscale/shared";
import { expect, it } from "vitest";
import { ADMIN_TOKEN, errorCode, type TestEdge } from "./helpers/edge-fixture.js";
import { startEdgeWithFakeBackend } from "./helpers/start-edge-with-fake-backend.js";

let edge: TestEdge;

startEdgeWithFakeBackend((started) => {
  ({ edge } = started);
});

const patch = (id: string, body: unknown) =>
  edge.fetch(`/admin/keys/${id}`, { method: "PATCH", key: ADMIN_TOKEN, body: JSON.stringify(body) });

it("PATCH of a revoked key answers 409 revoked_key_immutable and changes nothing", async () => {
  const created = await edge.createKey({ name: "to revoke", rpm: 10 });
  const revoked = await edge.fetch(`/admin/keys/${created.id}`, { method: "DELETE", key: ADMIN_TOKEN });
  expect(revoked.status).toBe(200);
  const { revoked_at } = (await revoked.json()) as { revoked_at: string };

  const refused = await patch(created.id, { rpm: 99, name: "changed" });
  expect(refused.status).toBe(409);
  expect(await errorCode(refused)).toBe("revoked_key_immutable");

  const list = (await (await edge.fetch("/admin/keys", { key: ADMIN_TOKEN })).json()) as {
    data: { id: string; rpm: number; name: string; revoked_at: string | null }[];
  };
  expect(list.data.find((key) => key.id === created.id)).toMatchObject({
    rpm: 10,
    name: "to revoke",
    revoked_at,
  });

  const again = await edge.fetch(`/admin/keys/${created.id}`, { method: "DELETE", key: ADMIN_TOKEN });
  expect(((await again.json()) as { revoked_at: string }).revoked_at).toBe(revoked_at);
  const use = await edge.fetch("/v1/usage", { key: created.key });
  expect(use.status).toBe(403);
  expect(await errorCode(use)).toBe("key_revoked");
});

it("PATCH of a live key still applies, and an unknown id is still 404", async () => {
  const created = await edge.createKey({ name: "live" });
  const changed = await patch(created.id, { rpm: 7 });
  expect(changed.status).toBe(200);
  expect(((await changed.json()) as { rpm: number }).rpm).toBe(7);
  const missing = await patch("key_missing", { rpm: 7 });
  expect(missing.status).toBe(404);
});

it("PATCH with nothing to change or malformed JSON answers 400 in the backend's words", async () => {
  const created = await edge.createKey({ name: "words" });
  const empty = await patch(created.id, {});
  expect(empty.status).toBe(400);
  expect(((await empty.json()) as { error: { message: string } }).error.message).toBe(
    "body: send at least one field to change",
  );
  const malformed = await edge.fetch(`/admin/keys/${created.id}`, {
    method: "PATCH",
    key: ADMIN_TOKEN,
    body: "{ nope",
  });
  expect(await malformed.json()).toMatchObject({
    error: { code: "invalid_json", message: INVALID_JSON_MESSAGE },
  });
});
