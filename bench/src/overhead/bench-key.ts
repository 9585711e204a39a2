// An API key on a local edge with limits far above what a bench sends: the meter still runs on every
// request, it never refuses one.

import type { CreateKeyResponse } from "@tinyscale/shared";

export async function createBenchKey(edgeUrl: string, adminToken: string, name = "bench"): Promise<string> {
  const created = await fetch(`${edgeUrl}/admin/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({
      name,
      environment: "test",
      rpm: 1_000_000,
      burst: 1_000_000,
      max_concurrent: 10_000,
      credits_quota: 1_000_000_000,
    }),
  });
  if (created.status !== 201)
    throw new Error(`creating a key answered ${created.status}: ${await created.text()}`);
  return ((await created.json()) as CreateKeyResponse).key;
}
