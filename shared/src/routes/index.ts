// Every route definition, and the lists the OpenAPI document and the servers register from: the one
// route table. Each server's tests walk its app and compare what it serves with its list here.
import { createKeyRoute, listKeysRoute, revokeKeyRoute, updateKeyRoute } from "./admin-keys.js";
import { generateRoute } from "./generate.js";
import { modelsRoute } from "./models.js";
import { planRoute } from "./plan.js";
import { healthzRoute, metricsRoute, readyzRoute } from "./probes.js";
import { profileRoute } from "./profile.js";
import { docsRoute, openApiJsonRoute } from "./reference.js";
import { usageRoute } from "./usage.js";

export { createKeyRoute, listKeysRoute, revokeKeyRoute, updateKeyRoute } from "./admin-keys.js";
export { generateRoute, IdempotencyHeadersSchema } from "./generate.js";
export { modelsRoute } from "./models.js";
export { planRoute } from "./plan.js";
export * from "./probes.js";
export { profileRoute } from "./profile.js";
export { docsRoute, openApiJsonRoute } from "./reference.js";
export * from "./responses.js";
export * from "./route-table.js";
export * from "./security.js";
export { usageRoute } from "./usage.js";

/** The public API: what `shared/openapi.json` documents and the edge serves. */
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

/** What the edge serves beside the API: the document itself and the page that renders it. */
export const REFERENCE_ROUTES = [openApiJsonRoute, docsRoute] as const;

/** Every route the edge serves. */
export const EDGE_ROUTES = [...PUBLIC_ROUTES, ...REFERENCE_ROUTES] as const;

/** Every route the GPU backend serves: generation, its self-description for the edge, its probes. */
export const BACKEND_ROUTES = [
  generateRoute,
  profileRoute,
  modelsRoute,
  healthzRoute,
  readyzRoute,
  metricsRoute,
] as const;
