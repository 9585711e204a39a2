// `GET /v1/models`: the models (bundles) being served, with their sizes, verifiers and candidate caps.
import { readJson } from "../core/read-json.js";
import type { RequestOptions, Transport } from "../core/transport.js";
import type { ModelsResponse } from "../types.js";

export async function models(transport: Transport, options?: RequestOptions): Promise<ModelsResponse> {
  return readJson<ModelsResponse>(await transport.request({ method: "GET", path: "/v1/models" }, options));
}
