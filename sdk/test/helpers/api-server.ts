// A small HTTP server on 127.0.0.1 that answers the public routes the way the edge does (same paths, bodies,
// headers), for tests that need a real socket: the built package, the SDK inside workerd, the CLI.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { GenerateMetadata, ModelsResponse, PlanResponse, UsageResponse } from "../../src/types.js";
import { encodePng } from "./png.js";

export interface ApiServer {
  url: string;
  /** Every request seen: method, path, headers and parsed JSON body. */
  requests: { method: string; path: string; headers: IncomingMessage["headers"]; body: unknown }[];
  close(): Promise<void>;
}

export const TEST_KEY = "ts_test_localserver";

export async function startApiServer(options: { failFirst?: number } = {}): Promise<ApiServer> {
  const requests: ApiServer["requests"] = [];
  let failuresLeft = options.failFirst ?? 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body: unknown = text === "" ? undefined : JSON.parse(text);
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push({ method: req.method ?? "", path, headers: req.headers, body });
    const requestId = `req_${requests.length}`;
    if (req.headers.authorization !== `Bearer ${TEST_KEY}`) {
      return sendJson(res, 401, error("invalid_api_key", "unknown API key", requestId), requestId);
    }
    if (failuresLeft > 0) {
      failuresLeft--;
      res.setHeader("retry-after", "0");
      return sendJson(res, 503, error("overloaded", "queue full", requestId), requestId);
    }
    if (req.method === "POST" && path === "/v1/generate") return sendGenerate(res, body, requestId);
    if (req.method === "POST" && path === "/v1/plan") return sendJson(res, 200, PLAN, requestId);
    if (req.method === "GET" && path === "/v1/usage") return sendJson(res, 200, USAGE, requestId);
    if (req.method === "GET" && path === "/v1/models") return sendJson(res, 200, MODELS, requestId);
    return sendJson(res, 404, error("not_found", `no route ${req.method} ${path}`, requestId), requestId);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const PLAN: PlanResponse = {
  n: 3,
  predicted_ms: 61.5,
  budget_ms: 150,
  network_margin_ms: 50,
  breakdown: { text_encode: 3, propose: 40.5, finish: 15, image_encode: 3 },
  max_n: 64,
  n_now: 3,
  queue_wait_ms: 0,
};

const USAGE: UsageResponse = {
  key_id: "key_local",
  period_start: "2026-11-01T00:00:00Z",
  period_end: "2026-12-01T00:00:00Z",
  credits_quota: 1000,
  credits_used: 12,
  credits_reserved: 0,
  credits_remaining: 988,
  requests: 3,
  rate_limit: { rpm: 60, burst: 10 },
  max_concurrent: 4,
};

const MODELS: ModelsResponse = {
  data: [
    {
      id: "tiny",
      sizes: ["128x128"],
      default_size: "128x128",
      verifiers: ["vhs", "clip", "ae", "none"],
      max_n: 64,
      max_batch: 16,
    },
  ],
};

function sendGenerate(res: ServerResponse, body: unknown, requestId: string): void {
  const request = body as { n?: number; seed?: number; response_format?: string };
  const n = request.n ?? 3;
  const seed = request.seed ?? 42;
  const candidates = Array.from({ length: n }, (_, index) => ({
    index,
    seed: (seed + index) >>> 0,
    score: index === n - 1 ? 0.875 : (-0.25 * (index + 1)) / n,
    verdict: index === n - 1 ? ("yes" as const) : ("no" as const),
  }));
  const png = encodePng(32, 24);
  const metadata: GenerateMetadata = {
    id: requestId,
    created: 1_796_000_000,
    model: "tiny",
    image: { mime_type: "image/png", width: 32, height: 24 },
    chosen_index: n - 1,
    candidates,
    n,
    n_requested: n,
    load_limited: false,
    planned_ms: request.n === undefined ? 61.5 : null,
    timings: { queue_ms: 0, text_encode_ms: 2, propose_ms: 20, finish_ms: 9, encode_ms: 1, total_ms: 33 },
    usage: { credits: n + 1 },
  };
  if (request.response_format === "bytes") {
    res.writeHead(200, {
      "content-type": "image/png",
      "x-request-id": requestId,
      "x-tinyscale-metadata": JSON.stringify(metadata),
    });
    res.end(png);
    return;
  }
  const b64 = Buffer.from(png).toString("base64");
  sendJson(res, 200, { ...metadata, image: { ...metadata.image, b64_json: b64 } }, requestId);
}

function error(code: string, message: string, requestId: string) {
  return { error: { code, message, request_id: requestId } };
}

function sendJson(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  res.writeHead(status, { "content-type": "application/json", "x-request-id": requestId });
  res.end(JSON.stringify(body));
}
