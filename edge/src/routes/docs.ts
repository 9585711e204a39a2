// GET /docs: the interactive API reference — one self-contained HTML page (no CDN) that renders
// /openapi.json and lets a reader send requests with their key from the browser.
import { docsRoute, honoPath } from "@tinyscale/shared";
import type { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { DOCS_PAGE_HTML } from "../docs/docs-page.js";

export function registerDocs(app: Hono<AppEnv>): void {
  app.on(docsRoute.method, honoPath(docsRoute), function docs(c) {
    return c.html(DOCS_PAGE_HTML, 200, {
      "cache-control": "public, max-age=300",
      // Everything is inline; the page only talks to this origin.
      "content-security-policy":
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'",
    });
  });
}
