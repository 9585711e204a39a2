// `GET /v1/usage`: the calling key's credits (quota, used, reserved, remaining) for the current period,
// its rate limit and concurrency cap.
import { readJson } from "../core/read-json.js";
import type { RequestOptions, Transport } from "../core/transport.js";
import type { UsageResponse } from "../types.js";

export async function usage(transport: Transport, options?: RequestOptions): Promise<UsageResponse> {
  return readJson<UsageResponse>(await transport.request({ method: "GET", path: "/v1/usage" }, options));
}
