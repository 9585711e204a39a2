// GET /openapi.json: the public API contract, the committed shared/openapi.json bundled into the Worker.

import { honoPath, openApiJsonRoute } from "@tinyscale/shared";
import type { Hono } from "hono";
import openApiDocument from "tinyscale-openapi-document";
import type { AppEnv } from "../app-env.js";

export function registerOpenApiJson(app: Hono<AppEnv>): void {
  app.on(openApiJsonRoute.method, honoPath(openApiJsonRoute), function openApiJson(c) {
    return c.json(openApiDocument, 200, {
      "cache-control": "public, max-age=300",
      "access-control-allow-origin": "*",
    });
  });
}
