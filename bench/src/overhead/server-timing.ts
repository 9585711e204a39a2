// Reads a Server-Timing header into phase durations: the edge reports its own phases (key lookup,
// planning, meter, backend, settlement) this way, which says where its added latency goes.

/** `auth;dur=1, meter;dur=4` → { auth: 1, meter: 4 } (the edge's own phases, workerd's ms clock). */
export function parseServerTiming(header: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (header ?? "").split(",")) {
    const m = /^\s*([\w-]+)\s*;.*dur=([\d.]+)/.exec(part);
    if (m?.[1] && m[2]) out[m[1]] = Number(m[2]);
  }
  return out;
}
