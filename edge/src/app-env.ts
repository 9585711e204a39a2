// The Hono environment every route and middleware shares: bindings, per-request variables and the
// services (each behind an interface) that routes depend on.
import type { Backends } from "./backends/backend-pool.js";
import type { Config, Env } from "./config/env.js";
import type { StoredKey } from "./keys/key-record.js";
import type { KeyStore } from "./keys/key-store.js";
import type { Meter } from "./meter/meter.js";
import type { UsageLedger } from "./meter/usage-ledger.js";

export interface Services {
  config: Config;
  keys: KeyStore;
  meter: Meter;
  ledger: UsageLedger;
  backends: Backends;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /**
     * The id the meter and the usage ledger key this request by: the request id, made unique with a
     * suffix when the client chose it (a client may reuse its ids; two charges must never share a row).
     */
    accountingId: string;
    receivedAtMs: number;
    services: Services;
    apiKey: StoredKey;
    /** The request body once read (routes/read-json-body.ts): later reads get the same bytes or error. */
    rawBody: Promise<Uint8Array>;
    /** RateLimit (from the meter) and Server-Timing headers, added to the response whatever its status. */
    meterHeaders: Record<string, string>;
  };
}
