// Builds the Hono app: request id, binding validation and services, CORS on /v1/*, admin auth, every
// route (one file each), and the one error handler; 404 and 405 answer in the shared error shape too.
import { allowedMethods, EDGE_ROUTES, TinyscaleError } from "@tinyscale/shared";
import { Hono } from "hono";
import type { AppEnv } from "./app-env.js";
import { adminAuth } from "./middleware/admin-auth.js";
import { errorResponse, handleError } from "./middleware/error-handler.js";
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

/** The public API's prefix: CORS answers every OPTIONS request under it (a browser's preflight). */
const CORS_SCOPE = "/v1/";

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(services());
  // Browsers may call the public API cross-origin; /admin/* is server-to-server only and gets no CORS.
  app.use(`${CORS_SCOPE}*`, publicCors());
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

  // A path in the route table with another method is a 405 naming the methods it serves (RFC 9110).
  app.notFound((c) => {
    const path = c.req.path;
    const allow = allowedMethods(EDGE_ROUTES, path, path.startsWith(CORS_SCOPE) ? ["OPTIONS"] : []);
    if (allow.length === 0)
      throw new TinyscaleError("not_found", `no route ${c.req.method} ${path}; see /docs`);
    const error = new TinyscaleError("method_not_allowed", `${c.req.method} is not allowed on ${path}`);
    const response = errorResponse(c, error);
    response.headers.set("Allow", allow.join(", "));
    return response;
  });
  app.onError(handleError());
  return app;
}
