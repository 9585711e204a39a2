// Every route definition, and the lists the OpenAPI document and the servers register from.
import { createKeyRoute, listKeysRoute, revokeKeyRoute, updateKeyRoute } from "./admin-keys.js";
import { generateRoute } from "./generate.js";
import { modelsRoute } from "./models.js";
import { planRoute } from "./plan.js";
import { profileRoute } from "./profile.js";
import { usageRoute } from "./usage.js";

export { createKeyRoute, listKeysRoute, revokeKeyRoute, updateKeyRoute } from "./admin-keys.js";
export { generateRoute, IdempotencyHeadersSchema } from "./generate.js";
export { modelsRoute } from "./models.js";
export { planRoute } from "./plan.js";
export { profileRoute } from "./profile.js";
export * from "./responses.js";
export * from "./security.js";
export { usageRoute } from "./usage.js";

/** The routes the edge serves and `shared/openapi.json` documents. */
export const PUBLIC_ROUTES = [
  generateRoute,
  planRoute,
  usageRoute,
  modelsRoute,
  createKeyRoute,
  listKeysRoute,
  updateKeyRoute,
  revokeKeyRoute,
] as const;

/** Routes only the GPU backend serves (besides `generateRoute`). */
export const BACKEND_ROUTES = [profileRoute] as const;
