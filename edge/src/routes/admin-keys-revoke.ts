// DELETE /admin/keys/:id: revoke a key. The row stays (the ledger refers to it) with revoked_at set;
// the next request with that key reads it and gets 403 key_revoked.
import { honoPath, revokeKeyRoute, TinyscaleError } from "@tinyscale/shared";
import type { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { publicRecord } from "../keys/key-record.js";

export function registerAdminKeysRevoke(app: Hono<AppEnv>): void {
  app.on(revokeKeyRoute.method, honoPath(revokeKeyRoute), async function revokeKey(c) {
    const { keys } = c.get("services");
    const id = c.req.param("id");
    const revoked = await keys.revoke(id, new Date().toISOString());
    if (!revoked) throw new TinyscaleError("not_found", `no key with id ${id}`);
    return c.json(publicRecord(revoked));
  });
}
