// One autocannon run against the edge on loopback with a mix of keys and requests (plain, budget-planned,
// bytes responses, Idempotency-Key retries, usage reads, a few bad bodies). Every request carries its
// own X-Request-Id, and every answer is recorded by that id for the ledger audit.

import { METADATA_HEADER } from "@tinyscale/shared";
import autocannon from "autocannon";

export interface LoadKey {
  id: string;
  key: string;
  /** Relative share of the traffic this key sends. */
  weight: number;
}

export interface Observed {
  keyId: string;
  kind: string;
  status: number;
  /** usage.credits of a 200 generation (from the body or the metadata header); null otherwise. */
  credits: number | null;
  replayed: boolean;
  /** For errors: the code and the start of the message (tells admission refusals from timeouts). */
  error: string | null;
}

export interface LoadOutcome {
  issued: Map<string, { keyId: string; kind: string }>;
  observed: Map<string, Observed>;
  result: autocannon.Result;
}

/** Small deterministic PRNG so a run's request mix is reproducible from its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function creditsOf(body: string, headers: Record<string, string | string[]>): number | null {
  const metadata = headers[METADATA_HEADER];
  try {
    const parsed = JSON.parse(typeof metadata === "string" ? metadata : body) as {
      usage?: { credits?: unknown };
    };
    return typeof parsed.usage?.credits === "number" ? parsed.usage.credits : null;
  } catch {
    return null;
  }
}

function errorSummary(body: string): string {
  try {
    const { error } = JSON.parse(body) as { error: { code: string; message: string } };
    return `${error.code}: ${error.message.replace(/\d+/g, "N").slice(0, 48)}`;
  } catch {
    return body.slice(0, 60);
  }
}

export async function runLoad(options: {
  url: string;
  keys: LoadKey[];
  seconds: number;
  connections: number;
  seed: number;
}): Promise<LoadOutcome> {
  const random = mulberry32(options.seed);
  const issued = new Map<string, { keyId: string; kind: string }>();
  const observed = new Map<string, Observed>();
  const totalWeight = options.keys.reduce((sum, k) => sum + k.weight, 0);
  const pickKey = () => {
    let r = random() * totalWeight;
    for (const k of options.keys) {
      r -= k.weight;
      if (r < 0) return k;
    }
    return options.keys[options.keys.length - 1] as LoadKey;
  };
  // Prompts come from a small set and half the bodies carry no seed, so identical bodies from different
  // requests arrive within the same second (they must not be taken for replays: collisions.test.ts).
  // Idempotency keys reused with the very same body: each may be charged once, whatever the retries.
  const idempotent = new Map<string, string>();
  let counter = 0;

  const setupRequest = (request: autocannon.Request): autocannon.Request => {
    const key = pickKey();
    const id = `load-${options.seed}-${++counter}`;
    const roll = random();
    const headers: Record<string, string> = {
      authorization: `Bearer ${key.key}`,
      "content-type": "application/json",
      "x-request-id": id,
    };
    let kind: string;
    let body: string | undefined;
    if (roll < 0.08) {
      kind = "usage";
    } else if (roll < 0.12) {
      kind = "bad_body";
      body = JSON.stringify({ prompt: "", n: Math.floor(random() * 100) - 20 });
    } else if (roll < 0.22) {
      kind = "idempotent";
      const slot = `${key.id}-idem-${Math.floor(random() * 4)}`;
      body = idempotent.get(slot) ?? JSON.stringify({ prompt: `idempotent fox ${slot}`, n: 2, seed: 9 });
      idempotent.set(slot, body);
      headers["idempotency-key"] = slot;
    } else if (roll < 0.35) {
      kind = "budget";
      body = JSON.stringify({
        prompt: "a budgeted fox",
        budget_ms: 150 + Math.floor(random() * 1500),
        seed: counter,
      });
    } else if (roll < 0.45) {
      kind = "bytes";
      body = JSON.stringify({
        prompt: "a fox as bytes",
        n: 1 + Math.floor(random() * 3),
        response_format: "bytes",
        seed: counter,
      });
    } else {
      kind = "generate";
      const seed = random() < 0.5 ? { seed: counter } : {};
      body = JSON.stringify({
        prompt: `a fox number ${counter % 10}`,
        n: 1 + Math.floor(random() * 4),
        ...seed,
      });
    }
    issued.set(id, { keyId: key.id, kind });
    return kind === "usage"
      ? { ...request, method: "GET", path: "/v1/usage", headers, body: undefined }
      : { ...request, method: "POST", path: "/v1/generate", headers, body };
  };

  const onResponse = (
    status: number,
    body: string,
    _context: object,
    raw: Record<string, string | string[]>,
  ) => {
    const headers = Object.fromEntries(
      Object.entries(raw).map(([name, value]) => [name.toLowerCase(), value]),
    );
    const id = headers["x-request-id"];
    if (typeof id !== "string") return;
    const sent = issued.get(id);
    if (!sent) return;
    observed.set(id, {
      keyId: sent.keyId,
      kind: sent.kind,
      status,
      credits: status === 200 && sent.kind !== "usage" ? creditsOf(body, headers) : null,
      replayed: headers["idempotent-replayed"] === "true",
      error: status >= 400 ? errorSummary(body) : null,
    });
  };

  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    timeout: 30,
    requests: [{ setupRequest, onResponse } as autocannon.Request],
  });
  return { issued, observed, result };
}
