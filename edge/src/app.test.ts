// The edge serves exactly its route table: every route the public document lists (and the reference
// routes beside it) has a handler in the app, and the app has no handler the table does not list.
import { buildOpenApiDocument, EDGE_ROUTES, routeKey } from "@tinyscale/shared";
import { describe, expect, it } from "vitest";
import { createApp } from "./app.js";

/** `METHOD /path` of every handler registered on the app (middleware registers as ALL). */
function servedRoutes(): string[] {
  const keys = createApp()
    .routes.filter((route) => route.method !== "ALL")
    .map((route) => `${route.method} ${route.path}`);
  return [...new Set(keys)].sort();
}

describe("edge route table", () => {
  it("serves every route in the table and nothing else", () => {
    expect(servedRoutes()).toEqual(EDGE_ROUTES.map(routeKey).sort());
  });

  it("serves every operation the public document lists", () => {
    const served = new Set(servedRoutes());
    const documented = Object.entries(buildOpenApiDocument().paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item ?? {}).map((method) => routeKey({ method, path })),
    );
    expect(documented.length).toBeGreaterThan(0);
    for (const operation of documented) expect(served, operation).toContain(operation);
  });
});
