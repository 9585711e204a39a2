// GET /admin/keys: every key's record (prefix, limits, expiry, revocation), never a hash or plaintext.

import type { KeyListResponse } from "@tinyscale/shared";
import { honoPath, listKeysRoute } from "@tinyscale/shared";
import type { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { publicRecord } from "../keys/key-record.js";

export function registerAdminKeysList(app: Hono<AppEnv>): void {
  app.on(listKeysRoute.method, honoPath(listKeysRoute), async function listKeys(c) {
    const keys = await c.get("services").keys.list();
    const body: KeyListResponse = { data: keys.map(publicRecord) };
    return c.json(body);
  });
}
