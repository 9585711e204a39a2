// Every request the suite makes goes through here: a hard timeout (a hang is a failure, never a stuck
// run), the body read in full, and a tally of statuses so each file can report its 500s and hangs.
import { connect } from "node:net";

export interface Exchange {
  status: number;
  headers: Headers;
  text: string;
  ms: number;
}

export class HangError extends Error {
  override name = "HangError";
}

/** The server closed the connection without answering (HTTP-layer refusals of oversized headers do this). */
export class ClosedError extends Error {
  override name = "ClosedError";
}

/** Status counts of every exchange a test file made; 500s and hangs must stay at zero. */
export class Tally {
  readonly statuses = new Map<number, number>();
  hangs = 0;

  record(status: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  get total(): number {
    let sum = this.hangs;
    for (const count of this.statuses.values()) sum += count;
    return sum;
  }

  count(predicate: (status: number) => boolean): number {
    let sum = 0;
    for (const [status, count] of this.statuses) if (predicate(status)) sum += count;
    return sum;
  }

  toJSON(): { total: number; hangs: number; http_500s: number; by_status: Record<string, number> } {
    return {
      total: this.total,
      hangs: this.hangs,
      http_500s: this.count((s) => s === 500),
      by_status: Object.fromEntries(
        [...this.statuses].sort(([a], [b]) => a - b).map(([s, n]) => [String(s), n]),
      ),
    };
  }
}

export const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * An oversized-header request: a 4xx from the HTTP layer or a closed connection are both refusals;
 * returns the status, or "closed". A 5xx or a hang is left to the caller's assertion.
 */
export async function headerRefusal(
  tally: Tally,
  url: string,
  headerBytes: number,
  auth: string,
): Promise<number | "closed"> {
  try {
    const exchange = await sendRaw(
      tally,
      url,
      "POST",
      [
        ["authorization", auth],
        ["x-padding", "x".repeat(headerBytes)],
      ],
      new TextEncoder().encode("{}"),
    );
    return exchange.status;
  } catch (error) {
    if (error instanceof ClosedError) return "closed";
    throw error;
  }
}

/** fetch with a deadline: a request that gets no complete answer in time throws HangError. */
export async function send(
  tally: Tally,
  url: string,
  init: RequestInit = {},
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<Exchange> {
  const started = performance.now();
  // A plain controller and a held timer rather than AbortSignal.any/timeout: on Node 20 a composed
  // signal can be collected before it fires, and a request would then wait forever instead of failing.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onCallerAbort = () => controller.abort(init.signal?.reason);
  if (init.signal?.aborted) onCallerAbort();
  else init.signal?.addEventListener("abort", onCallerAbort, { once: true });
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    const text = await response.text();
    tally.record(response.status);
    return { status: response.status, headers: response.headers, text, ms: performance.now() - started };
  } catch (error) {
    // The caller's own signal (a client giving up on purpose) is not a hang.
    if (init.signal?.aborted) throw error;
    if (timedOut) {
      tally.hangs++;
      throw new HangError(`${init.method ?? "GET"} ${url}: no answer within ${timeoutMs} ms`);
    }
    throw error;
  } finally {
    clearTimeout(timer);
    init.signal?.removeEventListener("abort", onCallerAbort);
  }
}

/**
 * A request written byte for byte on a fresh socket (Connection: close): headers as raw name/value pairs,
 * duplicates kept apart (fetch and node:http merge or refuse them). Content-Length is added unless the
 * caller gave one; `chunks` sends the body chunked instead, with no length declared.
 */
export function sendRaw(
  tally: Tally,
  url: string,
  method: string,
  rawHeaders: [string, string][],
  body: Uint8Array | Uint8Array[],
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<Exchange> {
  const started = performance.now();
  const target = new URL(url);
  const chunked = Array.isArray(body);
  const names = new Set(rawHeaders.map(([name]) => name.toLowerCase()));
  const head = [
    `${method} ${target.pathname}${target.search} HTTP/1.1`,
    `host: ${target.host}`,
    "connection: close",
  ];
  for (const [name, value] of rawHeaders) head.push(`${name}: ${value}`);
  if (chunked) head.push("transfer-encoding: chunked");
  else if (!names.has("content-length")) head.push(`content-length: ${body.byteLength}`);
  const parts: Uint8Array[] = [Buffer.from(`${head.join("\r\n")}\r\n\r\n`)];
  if (chunked) {
    for (const chunk of body)
      parts.push(Buffer.from(`${chunk.byteLength.toString(16)}\r\n`), chunk, Buffer.from("\r\n"));
    parts.push(Buffer.from("0\r\n\r\n"));
  } else parts.push(body);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname);
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      tally.hangs++;
      socket.destroy();
      reject(new HangError(`${method} ${url}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("connect", () => {
      // The server may answer (413) and close before reading everything: that is not our failure.
      for (const part of parts) socket.write(part, () => undefined);
    });
    let settled = false;
    const finish = (parsed: Omit<Exchange, "ms">) => {
      settled = true;
      clearTimeout(timer);
      tally.record(parsed.status);
      resolve({ ...parsed, ms: performance.now() - started });
      socket.destroy();
    };
    // Done as soon as the response is complete: some servers hold a Connection: close socket open a while.
    socket.on("data", (data: Buffer) => {
      received.push(data);
      const parsed = parseResponse(Buffer.concat(received), false);
      if (parsed && !settled) finish(parsed);
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      if (settled) return;
      clearTimeout(timer);
      const parsed = parseResponse(Buffer.concat(received), true);
      if (parsed) finish(parsed);
      else reject(new ClosedError(`${method} ${url}: connection closed without an HTTP response`));
    });
  });
}

/** The response in `raw`, or null while it is incomplete (`ended`: the peer closed, take what came). */
function parseResponse(raw: Buffer, ended: boolean): Omit<Exchange, "ms"> | null {
  const split = raw.indexOf("\r\n\r\n");
  if (split < 0) return null;
  const lines = raw.subarray(0, split).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "")?.[1]);
  if (!Number.isInteger(status)) return null;
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  let payload = raw.subarray(split + 4);
  const length = headers.get("content-length");
  if ((headers.get("transfer-encoding") ?? "").includes("chunked")) {
    if (!ended && payload.indexOf("0\r\n\r\n") < 0) return null;
    payload = dechunk(payload);
  } else if (length !== null) {
    if (payload.byteLength < Number(length) && !ended) return null;
    payload = payload.subarray(0, Number(length));
  } else if (!ended) return null;
  return { status, headers, text: payload.toString("utf8") };
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf("\r\n", at);
    if (eol < 0) break;
    const size = Number.parseInt(data.subarray(at, eol).toString("latin1"), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

export function jsonOf<T = unknown>(exchange: Exchange): T {
  return JSON.parse(exchange.text) as T;
}
