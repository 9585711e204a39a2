// The OpenAPI security schemes: API keys for /v1, a separate admin token for /admin, and the backend's
// direct bearer token. A document registers those its routes use (see openapi.ts).
import type { OpenAPIHono } from "@hono/zod-openapi";

export const API_KEY_SECURITY = "ApiKey";
export const ADMIN_TOKEN_SECURITY = "AdminToken";
export const BACKEND_TOKEN_SECURITY = "BackendToken";

export const SECURITY_SCHEMES = {
  [API_KEY_SECURITY]: {
    type: "http",
    scheme: "bearer",
    description: "An API key, `ts_live_…` or `ts_test_…`, as `Authorization: Bearer <key>`.",
  },
  [ADMIN_TOKEN_SECURITY]: {
    type: "http",
    scheme: "bearer",
    description: "The operator's admin token (not an API key), as `Authorization: Bearer <token>`.",
  },
  [BACKEND_TOKEN_SECURITY]: {
    type: "http",
    scheme: "bearer",
    description:
      "Backend only: `TINYSCALE_BACKEND_TOKEN` for direct callers; the edge instead signs each request " +
      "(`X-Tinyscale-Timestamp` + `X-Tinyscale-Signature`, contracts §2).",
  },
} as const;

type SchemeName = keyof typeof SECURITY_SCHEMES;

function isSchemeName(name: string): name is SchemeName {
  return Object.hasOwn(SECURITY_SCHEMES, name);
}

/** Registers the schemes `routes` use, and only those: a document must not define a scheme it never uses. */
export function registerSecuritySchemes(
  registry: OpenAPIHono["openAPIRegistry"],
  routes: readonly { security?: Record<string, string[]>[] }[],
): void {
  const used = new Set(routes.flatMap((route) => (route.security ?? []).flatMap(Object.keys)));
  for (const name of Object.keys(SECURITY_SCHEMES)) {
    if (isSchemeName(name) && used.has(name)) {
      registry.registerComponent("securitySchemes", name, SECURITY_SCHEMES[name]);
    }
  }
}
