// PATCH /admin/keys/:id: change a key's name, limits, quota or expiry. Keys are read from D1 on every
// request and the meter receives the limits with each call, so the change applies to the next request.
// A revoked key is final: changing it answers 409 revoked_key_immutable (the record stays for the ledger).
import { honoPath, TinyscaleError, UpdateKeyRequestSchema, updateKeyRoute } from "@tinyscale/shared";
import type { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { publicRecord } from "../keys/key-record.js";
import { readJsonBody } from "./read-json-body.js";

export function registerAdminKeysUpdate(app: Hono<AppEnv>): void {
  app.on(updateKeyRoute.method, honoPath(updateKeyRoute), async function updateKey(c) {
    const { keys } = c.get("services");
    const id = c.req.param("id");
    const { value: update } = await readJsonBody(c, UpdateKeyRequestSchema);
    const normalized = {
      ...update,
      ...(typeof update.expires_at === "string"
        ? { expires_at: new Date(update.expires_at).toISOString() }
        : {}),
    };
    const outcome = await keys.update(id, normalized);
    if (!outcome) throw new TinyscaleError("not_found", `no key with id ${id}`);
    if (outcome.kind === "revoked") {
      throw new TinyscaleError(
        "revoked_key_immutable",
        `key ${id} was revoked at ${outcome.key.revoked_at}; a revoked key cannot be changed`,
      );
    }
    return c.json(publicRecord(outcome.key));
  });
}
