// A fetch for unit tests: answers from a script, one step per call, and records every Request it saw
// (method, URL, headers, body) so tests can count attempts and compare headers across retries.
import type { FetchFunction } from "../../src/core/transport.js";

export interface SeenRequest {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

/** A response to give, an error to throw (a connection failure), or a function of the request and its signal. */
export type Step = Response | Error | ((request: Request) => Promise<Response>);

export interface CountingFetch {
  fetch: FetchFunction;
  calls: SeenRequest[];
}

export function countingFetch(steps: Step[] | ((call: number) => Step)): CountingFetch {
  const calls: SeenRequest[] = [];
  const fetch: FetchFunction = async (input, init) => {
    const request = new Request(input, init);
    calls.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: await request.clone().text(),
    });
    const index = calls.length - 1;
    const step = typeof steps === "function" ? steps(index) : steps[index];
    if (step === undefined) throw new Error(`countingFetch: no step scripted for call ${index + 1}`);
    if (step instanceof Error) throw step;
    if (typeof step === "function") return step(request);
    return step;
  };
  return { fetch, calls };
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "x-request-id": "req_test", ...headers },
  });
}

export function errorResponse(status: number, code: string, headers: Record<string, string> = {}): Response {
  return jsonResponse(
    status,
    { error: { code, message: `${code} happened`, request_id: "req_body" } },
    headers,
  );
}

/** Sleep stand-in that records each requested delay and returns at once. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms) => {
      delays.push(ms);
    },
  };
}

/** A fetch step that never answers until the request's signal aborts (then rejects like fetch does). */
export const hangUntilAborted = (request: Request): Promise<Response> =>
  new Promise((_resolve, reject) => {
    request.signal.addEventListener("abort", () => reject(request.signal.reason), { once: true });
  });
