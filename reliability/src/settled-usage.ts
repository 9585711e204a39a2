// Each key's usage once every reservation has settled (the edge finishes requests whose client went away
// under waitUntil), so an audit compares final numbers.
import type { UsageResponse } from "@tinyscale/shared";
import { type Edge, eventually } from "./local-edge.js";

export async function settledUsage(
  edge: Edge,
  keys: readonly { id: string; key: string }[],
): Promise<Map<string, UsageResponse>> {
  const usage = new Map<string, UsageResponse>();
  for (const key of keys) {
    usage.set(
      key.id,
      await eventually(
        () => edge.usage(key.key),
        (u) => u.credits_reserved === 0,
        30_000,
      ),
    );
  }
  return usage;
}
