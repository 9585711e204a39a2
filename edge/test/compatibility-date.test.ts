// The Workers compatibility date: wrangler.jsonc (production) and the local edge agree on it and the
// installed workerd supports it; and the change between the previous date (2026-04-01) and this one
// that the edge can observe. Of the flags that became default in between, only
// enhanced_error_serialization (2026-04-21) reaches this Worker: it calls its KeyMeter Durable Object
// over RPC, and an error thrown there now arrives with its name, own properties and cause (before, a
// bare Error whose message was prefixed with the name). The others (WebSocket close auto-reply,
// node:tls options, diagnostics_channel, Workflows, Python) touch APIs the edge does not use.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorker } from "../src/local/build-worker.js";
import { LOCAL_COMPATIBILITY_DATE } from "../src/local/start-local-edge.js";

const PREVIOUS_DATE = "2026-04-01";
const edgeDir = new URL("..", import.meta.url);

function wranglerCompatibilityDate(): string {
  const config = readFileSync(new URL("wrangler.jsonc", edgeDir), "utf8");
  const match = /^\s*"compatibility_date":\s*"(\d{4}-\d{2}-\d{2})"/m.exec(config);
  if (!match?.[1]) throw new Error("edge/wrangler.jsonc has no top-level compatibility_date");
  return match[1];
}

/** miniflare 4.YYYYMMDD.x bundles the workerd of that date, which refuses any later compatibility date. */
function newestDateOfInstalledWorkerd(): string {
  const require = createRequire(new URL("package.json", edgeDir));
  const { version } = require("miniflare/package.json") as { version: string };
  const date = version.split(".")[1] ?? "";
  return `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`;
}

describe("compatibility date", () => {
  it("is the same in wrangler.jsonc and the local edge, and the installed workerd supports it", () => {
    expect(wranglerCompatibilityDate()).toBe(LOCAL_COMPATIBILITY_DATE);
    expect(LOCAL_COMPATIBILITY_DATE > PREVIOUS_DATE).toBe(true);
    expect(LOCAL_COMPATIBILITY_DATE <= newestDateOfInstalledWorkerd()).toBe(true);
  });
});

describe("an error thrown in a Durable Object, seen by the Worker over RPC", () => {
  let scratch: string;
  let script: string;
  const workers: Miniflare[] = [];

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "tinyscale-compat-"));
    const outfile = join(scratch, "rpc-error-worker.js");
    await buildWorker(outfile, fileURLToPath(new URL("fixtures/rpc-error-worker.ts", import.meta.url)));
    script = readFileSync(outfile, "utf8");
  });
  afterAll(async () => {
    await Promise.all(workers.map((mf) => mf.dispose()));
    rmSync(scratch, { recursive: true, force: true });
  });

  async function get(compatibilityDate: string, path: string): Promise<Response> {
    const mf = new Miniflare({
      modules: true,
      script,
      compatibilityDate,
      durableObjects: { THROWER: { className: "Thrower", useSQLite: true } },
    });
    workers.push(mf);
    return (await mf.dispatchFetch(`http://edge.test${path}`)) as unknown as Response;
  }

  it("keeps its name, code, status and cause on this date (enhanced_error_serialization)", async () => {
    const seen = await (await get(LOCAL_COMPATIBILITY_DATE, "/seen")).json();
    expect(seen).toEqual({
      threw: true,
      name: "TinyscaleError",
      message: "secret detail from inside the Durable Object",
      code: "rate_limited",
      status: 429,
      cause: "RangeError: inner cause",
      // The prototype does not cross: it is an Error with copied fields, never the Worker's own class.
      isTinyscaleError: false,
    });
  });

  it("arrived as a bare Error with the name folded into the message on the previous date", async () => {
    const seen = await (await get(PREVIOUS_DATE, "/seen")).json();
    expect(seen).toMatchObject({
      name: "Error",
      message: "TinyscaleError: secret detail from inside the Durable Object",
      code: null,
      status: null,
      cause: null,
    });
  });

  it("still reaches the client as a generic 500 internal_error, although it now carries a public code", async () => {
    const response = await get(LOCAL_COMPATIBILITY_DATE, "/handled");
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("internal_error");
    expect(body.error.message).not.toContain("secret detail");
    expect(response.headers.get("retry-after")).toBeNull();
  });
});
