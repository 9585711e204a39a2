// `POST /v1/plan`: how many candidates fit a latency budget on the serving backend, with the predicted
// time per stage. Free (no credits); the same planner the edge runs before every budgeted generate.
import { readJson } from "../core/read-json.js";
import type { RequestOptions, Transport } from "../core/transport.js";
import type { PlanParams, PlanResponse } from "../types.js";

export async function plan(
  transport: Transport,
  params: PlanParams,
  options?: RequestOptions,
): Promise<PlanResponse> {
  return readJson<PlanResponse>(
    await transport.request({ method: "POST", path: "/v1/plan", body: params }, options),
  );
}
