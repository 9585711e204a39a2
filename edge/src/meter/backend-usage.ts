// Reads what a successful backend response says it used: `usage.credits` and `n` from the JSON body,
// or from the X-Tinyscale-Metadata header when the body is the image itself (response_format "bytes").
import { METADATA_HEADER } from "@tinyscale/shared";

export interface BackendUsage {
  credits: number | null;
  nRun: number | null;
}

function usageOf(value: unknown): BackendUsage {
  if (typeof value !== "object" || value === null) return { credits: null, nRun: null };
  const record = value as { usage?: { credits?: unknown }; n?: unknown };
  const credits = record.usage?.credits;
  const n = record.n;
  return {
    credits: typeof credits === "number" && Number.isInteger(credits) && credits >= 0 ? credits : null,
    nRun: typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : null,
  };
}

export function backendUsage(headers: Headers, body: ArrayBuffer): BackendUsage {
  const metadata = headers.get(METADATA_HEADER);
  try {
    if (metadata !== null) return usageOf(JSON.parse(metadata));
    if ((headers.get("content-type") ?? "").includes("application/json")) {
      return usageOf(JSON.parse(new TextDecoder().decode(body)));
    }
  } catch {
    // Unreadable usage: the caller falls back to charging the reservation.
  }
  return { credits: null, nRun: null };
}
