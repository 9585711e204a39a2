// `TinyscaleAdmin`, the operator's client for the edge's admin API: API keys and their limits.
// Separate from `Tinyscale` so an admin token is never sent where an API key belongs, or the reverse.
import { bearer } from "./client.js";
import { type CommonOptions, resolveTransportConfig } from "./core/options.js";
import { type RequestOptions, Transport } from "./core/transport.js";
import { readEnv } from "./internal/env.js";
import { createKey, listKeys, revokeKey, updateKey } from "./resources/keys.js";
import type {
  CreateKeyParams,
  CreateKeyResponse,
  KeyListResponse,
  KeyRecord,
  UpdateKeyParams,
} from "./types.js";

export interface AdminClientOptions extends CommonOptions {
  /** The edge's admin token; default `TINYSCALE_ADMIN_TOKEN`. */
  adminToken?: string | undefined;
}

export class TinyscaleAdmin {
  readonly baseURL: string;
  readonly #transport: Transport;

  constructor(options: AdminClientOptions = {}) {
    const config = resolveTransportConfig(options, {
      header: "authorization",
      value: bearer(options.adminToken ?? readEnv("TINYSCALE_ADMIN_TOKEN")),
      missing: "No admin token: pass `adminToken` to new TinyscaleAdmin() or set TINYSCALE_ADMIN_TOKEN.",
    });
    this.baseURL = config.baseURL;
    this.#transport = new Transport(config);
  }

  /** Creates a key; the answer's `key` is the plaintext, shown this once. */
  createKey(params: CreateKeyParams, options?: RequestOptions): Promise<CreateKeyResponse> {
    return createKey(this.#transport, params, options);
  }

  listKeys(options?: RequestOptions): Promise<KeyListResponse> {
    return listKeys(this.#transport, options);
  }

  updateKey(id: string, params: UpdateKeyParams, options?: RequestOptions): Promise<KeyRecord> {
    return updateKey(this.#transport, id, params, options);
  }

  /** Revokes a key at once; later requests with it get 403 `key_revoked`. */
  revokeKey(id: string, options?: RequestOptions): Promise<KeyRecord> {
    return revokeKey(this.#transport, id, options);
  }
}
