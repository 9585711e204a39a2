// Validates the bindings (once per env object) and builds the request's services from them; the first
// middleware after the request id, so a misconfigured deploy answers a clear 500 on every route.
import type { MiddlewareHandler } from "hono";
import type { AppEnv, Services } from "../app-env.js";
import { backendPoolFor } from "../backends/backend-pool.js";
import { loadConfig } from "../config/env.js";
import { D1KeyStore } from "../keys/key-store.js";
import { DurableObjectMeter } from "../meter/meter.js";
import { D1UsageLedger } from "../meter/usage-ledger.js";

export function services(): MiddlewareHandler<AppEnv> {
  return async function servicesMiddleware(c, next) {
    const config = loadConfig(c.env);
    const built: Services = {
      config,
      keys: new D1KeyStore(config.db),
      meter: new DurableObjectMeter(config.meter),
      ledger: new D1UsageLedger(config.db),
      backends: backendPoolFor(config),
    };
    c.set("services", built);
    await next();
  };
}
