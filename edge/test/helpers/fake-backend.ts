// A small real HTTP server on 127.0.0.1 standing in for a GPU backend at the network boundary: it
// serves a profile, verifies the edge's signature with the shared code, and misbehaves on request
// (500, slow, 503, connection dropped mid-request) according to the prompt, so failure paths are real.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type GenerateResponse, type Profile, verifySignature } from "@tinyscale/shared";

// A 1×1 PNG: a real image so a client could decode what the edge passes on.
const PNG_1X1 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

export const FAKE_PROFILE: Profile = {
  bundle_id: "fake",
  device: "cpu",
  measured_at: "2026-11-27T04:00:00Z",
  max_batch: 4,
  max_n: 16,
  stages: {
    text_encode: { "1": 2 },
    propose: { "1": 10, "2": 18, "4": 30 },
    finish: { "1": 40 },
    dit_head: { "1": 4, "4": 12 },
    dit_tail: { "1": 4, "4": 12 },
    vae_decode: { "1": 6 },
    clip_verify: { "1": 5, "4": 15 },
    ae_verify: { "1": 3, "4": 9 },
    image_encode: { "1": 2 },
  },
};

export interface ReceivedRequest {
  headers: IncomingMessage["headers"];
  body: string;
  signatureOk: boolean;
}

export interface FakeBackend {
  url: string;
  received: ReceivedRequest[];
  /** Milliseconds every successful generation takes (default 20). */
  delayMs: number;
  /** Queue depth reported by GET /healthz, which the edge ranks backends by. */
  queueDepth: number;
  /** Predicted wait (estimated_wait_ms) reported by GET /healthz; the edge ranks and plans by it. */
  waitMs: number;
  /** Capacity (max_in_flight) reported by GET /healthz; not reported when null (the default). */
  maxInFlight: number | null;
  /** Admission terms (admission_lead_ms, slowdown) reported by GET /healthz; not reported when null. */
  admission: { leadMs: number; slowdown: number } | null;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

function generated(request: { n: number; seed?: number }, requestId: string): GenerateResponse {
  const seed = request.seed ?? 7;
  return {
    id: requestId,
    created: Math.floor(Date.now() / 1000),
    model: "fake",
    image: { b64_json: PNG_1X1, mime_type: "image/png", width: 1, height: 1 },
    chosen_index: 0,
    candidates: Array.from({ length: request.n }, (_, index) => ({
      index,
      seed: (seed + index) >>> 0,
      score: 0.5,
      verdict: "yes" as const,
    })),
    n: request.n,
    n_requested: request.n,
    load_limited: false,
    planned_ms: null,
    timings: { queue_ms: 0, text_encode_ms: 1, propose_ms: 1, finish_ms: 1, encode_ms: 1, total_ms: 4 },
    usage: { credits: request.n + 1 },
  };
}

/** Prompts that make the fake misbehave: "fail-500", "slow-<ms>", "overloaded", "drop", "bad-size". */
async function generate(
  backend: FakeBackend,
  secret: string,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const body = await readBody(request);
  const verified = await verifySignature(secret, {
    method: "POST",
    path: request.url ?? "/", // the signed path is the one sent, nonce query included
    timestamp: request.headers["x-tinyscale-timestamp"] as string | undefined,
    signature: request.headers["x-tinyscale-signature"] as string | undefined,
    body,
  });
  backend.received.push({ headers: request.headers, body, signatureOk: verified.ok });
  const requestId = String(request.headers["x-request-id"] ?? "none");
  if (!verified.ok) {
    json(response, 401, {
      error: { code: "invalid_signature", message: verified.reason, request_id: requestId },
    });
    return;
  }
  const sent = JSON.parse(body) as {
    prompt: string;
    n?: number;
    max_n?: number;
    seed?: number;
    response_format?: string;
  };
  // A budget arrives as budget_ms + max_n (the cap the edge reserved for); the fake runs the cap.
  const parsed = { ...sent, n: sent.n ?? sent.max_n ?? 1 };
  const prompt = parsed.prompt;
  const slow = /^slow-(\d+)$/.exec(prompt);
  if (prompt === "fail-500") {
    json(response, 500, { error: { code: "internal_error", message: "boom", request_id: requestId } });
  } else if (prompt === "overloaded") {
    json(
      response,
      503,
      { error: { code: "overloaded", message: "queue full", request_id: requestId } },
      { "retry-after": "2" },
    );
  } else if (prompt === "bad-size") {
    json(response, 400, {
      error: { code: "unsupported_size", message: "size 9x9 is not offered", request_id: requestId },
    });
  } else if (prompt === "drop") {
    // The request arrived and work started; then the connection dies without an answer.
    request.socket.destroy();
  } else {
    await new Promise((resolve) => setTimeout(resolve, slow ? Number(slow[1]) : backend.delayMs));
    if (response.destroyed) return;
    const result = generated(parsed, requestId);
    if (parsed.response_format === "bytes") {
      const { b64_json, ...image } = result.image;
      response.writeHead(200, {
        "content-type": "image/png",
        "x-tinyscale-metadata": JSON.stringify({ ...result, image }),
      });
      response.end(Buffer.from(b64_json ?? "", "base64"));
      return;
    }
    json(response, 200, result);
  }
}

export async function startFakeBackend(secret: string): Promise<FakeBackend> {
  const backend: FakeBackend = {
    url: "",
    received: [],
    delayMs: 20,
    queueDepth: 0,
    waitMs: 0,
    maxInFlight: null,
    admission: null,
    close: async () => {},
  };
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://fake").pathname;
    if (request.method === "GET" && path === "/v1/profile") return json(response, 200, FAKE_PROFILE);
    if (request.method === "GET" && path === "/healthz")
      return json(response, 200, {
        status: "ok",
        queue_depth: backend.queueDepth,
        in_flight: 0,
        estimated_wait_ms: backend.waitMs,
        ...(backend.maxInFlight === null ? {} : { max_in_flight: backend.maxInFlight }),
        ...(backend.admission === null
          ? {}
          : { admission_lead_ms: backend.admission.leadMs, slowdown: backend.admission.slowdown }),
      });
    if (request.method === "GET" && path === "/v1/models") {
      return json(response, 200, {
        data: [
          {
            id: "fake",
            sizes: ["1x1"],
            default_size: "1x1",
            verifiers: ["vhs", "none"],
            max_n: 16,
            max_batch: 4,
          },
        ],
      });
    }
    if (request.method === "POST" && path === "/v1/generate") {
      generate(backend, secret, request, response).catch(() => response.destroy());
      return;
    }
    json(response, 404, { error: { code: "not_found", message: path, request_id: "none" } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  backend.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  backend.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return backend;
}

/** A port on 127.0.0.1 that refuses connections: bound once, then released. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
