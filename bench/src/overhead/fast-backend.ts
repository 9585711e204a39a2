// A minimal real HTTP backend on 127.0.0.1 that answers instantly: it verifies the edge's HMAC signature
// (or a bearer token for direct calls) and returns a fixed, schema-valid GenerateResponse. It isolates
// the edge's own cost in the edge-latency bench; it is not a model server.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  creditsFor,
  errorBody,
  type GenerateResponse,
  type Profile,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  timingSafeEqual,
  verifySignature,
} from "@tinyscale/shared";

export interface FastBackendOptions {
  secret: string;
  bearerToken: string;
  /** The profile served at GET /v1/profile (the edge plans budgets with it). */
  profile: Profile;
}

export interface FastBackend {
  url: string;
  /** Requests answered with 200, and those rejected (a bench run must end with zero rejections). */
  counts: { ok: number; rejected: number };
  close(): Promise<void>;
}

// 1×1 transparent PNG: the smallest real image a client can decode.
const PNG_1X1 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

function generateResponse(requestId: string, n: number, bundleId: string): GenerateResponse {
  return {
    id: requestId,
    created: Math.floor(Date.now() / 1000),
    model: bundleId,
    image: { b64_json: PNG_1X1, mime_type: "image/png", width: 1, height: 1 },
    chosen_index: 0,
    candidates: Array.from({ length: n }, (_, index) => ({ index, seed: index, score: 0.5, verdict: "yes" })),
    n,
    n_requested: n,
    load_limited: false,
    planned_ms: null,
    timings: { queue_ms: 0, text_encode_ms: 0, propose_ms: 0, finish_ms: 0, encode_ms: 0, total_ms: 0 },
    usage: { credits: creditsFor(n) },
  };
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

function send(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-request-id": requestId,
  });
  res.end(text);
}

export async function startFastBackend(opts: FastBackendOptions): Promise<FastBackend> {
  const counts = { ok: 0, rejected: 0 };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = String(req.headers["x-request-id"] ?? "direct");
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (req.method === "GET" && path === "/v1/profile") return send(res, 200, opts.profile, requestId);
    if (req.method === "GET" && (path === "/healthz" || path === "/readyz" || path === "/v1/health")) {
      return send(res, 200, { status: "ok", queue_depth: 0, in_flight: 0 }, requestId);
    }
    if (req.method !== "POST" || path !== "/v1/generate") {
      return send(res, 404, errorBody("not_found", `no route ${req.method} ${path}`, requestId), requestId);
    }
    const body = await readBody(req);
    const auth = req.headers.authorization;
    const authorized =
      typeof auth === "string" && auth.startsWith("Bearer ")
        ? await timingSafeEqual(auth.slice(7), opts.bearerToken)
        : (
            await verifySignature(opts.secret, {
              method: "POST",
              path: req.url ?? "/", // signed as sent: the edge adds a nonce query
              body,
              timestamp: headerValue(req, TIMESTAMP_HEADER),
              signature: headerValue(req, SIGNATURE_HEADER),
            })
          ).ok;
    if (!authorized) {
      counts.rejected++;
      return send(res, 401, errorBody("invalid_signature", "signature check failed", requestId), requestId);
    }
    const parsed = JSON.parse(Buffer.from(body).toString("utf8")) as { n?: number; max_n?: number };
    counts.ok++;
    // A budget arrives as budget_ms + max_n (the cap the edge reserved for); this backend runs the cap.
    const n = parsed.n ?? parsed.max_n ?? 1;
    send(res, 200, generateResponse(requestId, n, opts.profile.bundle_id), requestId);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      counts.rejected++;
      send(res, 500, errorBody("internal_error", String(err), "fast-backend"), "fast-backend");
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
