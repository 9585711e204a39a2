// The backend only ever sees `n`, so its response says planned_ms: null; when the edge planned from a
// budget it writes its own prediction into the JSON body or the X-Tinyscale-Metadata header.
import { METADATA_HEADER, roundMs } from "@tinyscale/shared";

function withPlannedMs(json: string, plannedMs: number): string | null {
  try {
    const value = JSON.parse(json) as unknown;
    if (typeof value !== "object" || value === null || !("planned_ms" in value)) return null;
    return JSON.stringify({ ...value, planned_ms: roundMs(plannedMs) });
  } catch {
    return null;
  }
}

/** Returns the body and headers to send on; unchanged when nothing was planned or nothing parses. */
export function annotatePlannedMs(
  headers: [string, string][],
  body: ArrayBuffer,
  plannedMs: number | null,
): { headers: [string, string][]; body: ArrayBuffer } {
  if (plannedMs === null) return { headers, body };
  const metadataIndex = headers.findIndex(([name]) => name === METADATA_HEADER);
  const metadata = headers[metadataIndex];
  if (metadata) {
    const annotated = withPlannedMs(metadata[1], plannedMs);
    if (annotated === null) return { headers, body };
    const copy = [...headers];
    copy[metadataIndex] = [METADATA_HEADER, annotated];
    return { headers: copy, body };
  }
  const isJson = headers.some(
    ([name, value]) => name === "content-type" && value.includes("application/json"),
  );
  if (!isJson) return { headers, body };
  const annotated = withPlannedMs(new TextDecoder().decode(body), plannedMs);
  if (annotated === null) return { headers, body };
  return { headers, body: new TextEncoder().encode(annotated).buffer as ArrayBuffer };
}
