// `Tinyscale`, the API-key client: generate an image within a latency budget, plan a budget, read usage
// and the served models. Runs on Node ≥ 22, browsers and Workers (web platform APIs only).
import { type CommonOptions, resolveTransportConfig } from "./core/options.js";
import { type RequestOptions, Transport } from "./core/transport.js";
import { readEnv } from "./internal/env.js";
import { type GenerateResult, generate, type ImageTransport } from "./resources/generate.js";
import { models } from "./resources/models.js";
import { plan } from "./resources/plan.js";
import { usage } from "./resources/usage.js";
import type { GenerateParams, ModelsResponse, PlanParams, PlanResponse, UsageResponse } from "./types.js";

export interface ClientOptions extends CommonOptions {
  /** A `ts_live_…` / `ts_test_…` key; default `TINYSCALE_API_KEY`. */
  apiKey?: string | undefined;
  /**
   * `"bytes"` (default): the image is the body, metadata in `X-Tinyscale-Metadata` — smallest and fastest.
   * `"b64_json"`: one JSON body; use it behind a proxy that drops that header, or a cross-origin
   * browser page when the server does not list it in `Access-Control-Expose-Headers`.
   */
  imageTransport?: ImageTransport | undefined;
}

export class Tinyscale {
  readonly baseURL: string;
  readonly #transport: Transport;
  readonly #imageTransport: ImageTransport;

  constructor(options: ClientOptions = {}) {
    const config = resolveTransportConfig(options, {
      header: "authorization",
      value: bearer(options.apiKey ?? readEnv("TINYSCALE_API_KEY")),
      missing: "No API key: pass `apiKey` to new Tinyscale() or set TINYSCALE_API_KEY.",
    });
    this.baseURL = config.baseURL;
    this.#transport = new Transport(config);
    this.#imageTransport = options.imageTransport ?? "bytes";
  }

  /** Generates `n` candidates (or as many as fit `budget_ms`), scores them and returns the winner's image. */
  generate(params: GenerateParams, options?: RequestOptions): Promise<GenerateResult> {
    return generate(this.#transport, params, options, this.#imageTransport);
  }

  /** How many candidates fit `budget_ms`, and the predicted time per stage. Costs no credits. */
  plan(params: PlanParams, options?: RequestOptions): Promise<PlanResponse> {
    return plan(this.#transport, params, options);
  }

  /** This key's credits for the current period and its limits. */
  usage(options?: RequestOptions): Promise<UsageResponse> {
    return usage(this.#transport, options);
  }

  /** The models being served. */
  models(options?: RequestOptions): Promise<ModelsResponse> {
    return models(this.#transport, options);
  }
}

export function bearer(token: string | undefined): string | undefined {
  return token === undefined || token === "" ? undefined : `Bearer ${token}`;
}
