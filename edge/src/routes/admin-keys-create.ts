// POST /admin/keys: mint an API key; the plaintext is in this response only, D1 keeps its SHA-256
// and a display prefix. Limits left out take the edge's DEFAULT_KEY_LIMITS.
import { CreateKeyRequestSchema, type CreateKeyResponse, createKeyRoute, honoPath } from "@tinyscale/shared";
import type { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { generateKey, generateKeyId } from "../keys/key-format.js";
import { publicRecord } from "../keys/key-record.js";
import { readJsonBody } from "./read-json-body.js";

export function registerAdminKeysCreate(app: Hono<AppEnv>): void {
  app.on(createKeyRoute.method, honoPath(createKeyRoute), async function createKey(c) {
    const { config, keys } = c.get("services");
    const { value: request } = await readJsonBody(c, CreateKeyRequestSchema);
    const defaults = config.keyDefaults;
    const generated = await generateKey(request.environment);
    const stored = await keys.create({
      id: generateKeyId(),
      hash: generated.hash,
      prefix: generated.prefix,
      name: request.name,
      environment: request.environment,
      rpm: request.rpm ?? defaults.rpm,
      burst: request.burst ?? defaults.burst,
      max_concurrent: request.max_concurrent ?? defaults.max_concurrent,
      credits_quota: request.credits_quota ?? defaults.credits_quota,
      period: request.period ?? defaults.period,
      created_at: new Date().toISOString(),
      expires_at: request.expires_at === undefined ? null : new Date(request.expires_at).toISOString(),
    });
    const body: CreateKeyResponse = { ...publicRecord(stored), key: generated.plaintext };
    return c.json(body, 201, { "cache-control": "no-store" });
  });
}
