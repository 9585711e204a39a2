// A small-scale ledger audit for tests that send a handful of requests with known ids: every 200 charged
// exactly its usage.credits, every other answer charged nothing, the meter equal to the ledger.
import type { CreateKeyResponse } from "@tinyscale/shared";
import type { Exchange } from "./http-call.js";
import { type Edge, eventually } from "./local-edge.js";

export async function ledgerAudit(
  edge: Edge,
  key: CreateKeyResponse,
  ids: string[],
  answers: Exchange[],
): Promise<string[]> {
  const usage = await eventually(
    () => edge.usage(key.key),
    (u) => u.credits_reserved === 0,
    30_000,
  );
  const rows = await eventually(
    () => edge.ledger(key.id),
    (all) => all.reduce((sum, r) => sum + r.credits_charged, 0) === usage.credits_used,
    5_000,
  );
  const mismatches: string[] = [];
  ids.forEach((id, i) => {
    const answer = answers[i];
    const row = rows.find((r) => r.request_id === id);
    if (!answer) return;
    if (answer.status === 200) {
      const credits = (JSON.parse(answer.text) as { usage: { credits: number } }).usage.credits;
      if (row?.outcome !== "charged" || row.credits_charged !== credits)
        mismatches.push(`${id}: 200 (${credits}) vs ledger ${row?.outcome} ${row?.credits_charged}`);
    } else if (row && row.credits_charged !== 0) {
      mismatches.push(`${id}: ${answer.status} but charged ${row.credits_charged}`);
    }
  });
  const total = rows.reduce((sum, r) => sum + r.credits_charged, 0);
  if (total !== usage.credits_used) mismatches.push(`meter ${usage.credits_used} ≠ ledger ${total}`);
  return mismatches;
}
