// Builds the Hono app: request id, binding validation and services, CORS on /v1/*, admin auth, every
// route (one file each), and the one error handler; 404 and 405 answer in the shared error shape too.
import { TinyscaleError } from "@tinyscale/shared";
import { Hono } from "hono";
import type { AppEnv } from "./app-env.js";
import { adminAuth } from "./middleware/admin-auth.js";
import { handleError } from "./middleware/error-handler.js";
import { publicCors } from "./middleware/public-cors.js";
import { requestId } from "./middleware/request-id.js";
import { services } from "./middleware/services.js";
import { registerAdminKeysCreate } from "./routes/admin-keys-create.js";
import { registerAdminKeysList } from "./routes/admin-keys-list.js";
import { registerAdminKeysRevoke } from "./routes/admin-keys-revoke.js";
import { registerAdminKeysUpdate } from "./routes/admin-keys-update.js";
import { registerDocs } from "./routes/docs.js";
import { registerOpenApiJson } from "./routes/openapi-json.js";
import { registerV1Generate } from "./routes/v1-generate.js";
import { registerV1Models } from "./routes/v1-models.js";
import { registerV1Plan } from "./routes/v1-plan.js";
import { registerV1Usage } from "./routes/v1-usage.js";

// Paths that exist, for telling a wrong method (405) from an unknown path (404).
const KNOWN_PATHS: readonly RegExp[] = [
  /^\/v1\/(generate|plan|usage|models)$/,
  /^\/(openapi\.json|docs)$/,
  /^\/admin\/keys(\/[^/]+)?$/,
];

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(services());
  // Browsers may call the public API cross-origin; /admin/* is server-to-server only and gets no CORS.
  app.use("/v1/*", publicCors());
  app.use("/admin/*", adminAuth());

  registerV1Generate(app);
  registerV1Plan(app);
  registerV1Usage(app);
  registerV1Models(app);
  registerOpenApiJson(app);
  registerDocs(app);
  registerAdminKeysCreate(app);
  registerAdminKeysList(app);
  registerAdminKeysUpdate(app);
  registerAdminKeysRevoke(app);

  app.notFound((c) => {
    const path = c.req.path;
    if (KNOWN_PATHS.some((pattern) => pattern.test(path))) {
      throw new TinyscaleError("method_not_allowed", `${c.req.method} is not allowed on ${path}`);
    }
    throw new TinyscaleError("not_found", `no route ${c.req.method} ${path}; see /docs`);
  });
  app.onError(handleError());
  return app;
}
