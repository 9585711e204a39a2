// The `tinyscale` CLI as a user runs it (node bin/tinyscale.js) against a real HTTP server: the image file,
// the candidate table, progress on stderr, config from env or .tinyscale/local.json, and exit statuses.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer, TEST_KEY } from "./helpers/api-server.js";
import { readPngSize } from "./helpers/png.js";

const BIN = fileURLToPath(new URL("../bin/tinyscale.js", import.meta.url));

let server: ApiServer;
let dir: string;
beforeAll(async () => {
  server = await startApiServer();
  dir = await mkdtemp(join(tmpdir(), "tinyscale-cli-"));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string | undefined>, cwd: string = dir): Promise<CliRun> {
  const clean = { ...process.env, TINYSCALE_API_KEY: undefined, TINYSCALE_BASE_URL: undefined, ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: clean }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr });
    });
  });
}

const envFor = (s: ApiServer) => ({ TINYSCALE_API_KEY: TEST_KEY, TINYSCALE_BASE_URL: s.url });

describe("tinyscale generate", () => {
  it("writes the image and prints the candidates' scores", async () => {
    const out = join(dir, "fox.png");
    const run = await cli(
      ["generate", "a red fox in snow", "--n", "3", "--seed", "5", "--out", out],
      envFor(server),
    );
    expect(run.stderr).toContain("generating (n=3)");
    expect(run.code, run.stderr).toBe(0);
    expect(readPngSize(await readFile(out))).toEqual({ width: 32, height: 24 });
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^cand\s+seed\s+score\s+verdict$/);
    expect(lines.find((l) => l.startsWith("▶ 2"))).toMatch(/▶ 2\s+7\s+0\.8750\s+yes/);
    expect(lines.find((l) => l.startsWith("  0"))).toMatch(/0\s+5\s+-0\.0833\s+no/);
    expect(run.stdout).toContain(`wrote ${out} (32×24 image/png`);
    const sent = server.requests.at(-1)?.body;
    expect(sent).toEqual({ prompt: "a red fox in snow", n: 3, seed: 5, response_format: "bytes" });
  });

  it("defaults to a 1100 ms budget and --json prints the metadata", async () => {
    const run = await cli(["generate", "a lighthouse", "--json", "--verifier", "clip"], envFor(server));
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed).toMatchObject({ width: 32, height: 24, n: 3, plannedMs: 61.5, out: "tinyscale-44.png" });
    expect(readPngSize(await readFile(join(dir, "tinyscale-44.png")))).toEqual({ width: 32, height: 24 });
    expect(server.requests.at(-1)?.body).toMatchObject({ budget_ms: 1100, verifier: "clip" });
  });

  it("with many candidates lists the best ten by score", async () => {
    const run = await cli(
      ["generate", "many foxes", "--n", "20", "--seed", "0", "--out", join(dir, "many.png")],
      envFor(server),
    );
    expect(run.code, run.stderr).toBe(0);
    const rows = run.stdout.split("\n").filter((line) => /^[▶ ] \d+ /.test(line));
    expect(rows).toHaveLength(10);
    expect(rows[0]).toMatch(/^▶ 19\s+19\s+0\.8750\s+yes$/);
    expect(run.stdout).toContain("… 10 more candidates, best 10 shown by score (--json lists all)");
  });

  it("finds the endpoint and key in .tinyscale/local.json above the cwd", async () => {
    const project = join(dir, "project");
    await mkdir(join(project, ".tinyscale"), { recursive: true });
    await mkdir(join(project, "deep", "er"), { recursive: true });
    const local = {
      edge_url: server.url,
      backend_url: "http://127.0.0.1:1",
      api_key: TEST_KEY,
      admin_token: "x",
    };
    await writeFile(join(project, ".tinyscale", "local.json"), JSON.stringify(local));
    const run = await cli(
      ["generate", "a cat", "--n", "1", "--out", "cat.png"],
      {},
      join(project, "deep", "er"),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(readPngSize(await readFile(join(project, "deep", "er", "cat.png")))).toEqual({
      width: 32,
      height: 24,
    });
  });
});

describe("tinyscale plan / usage / models", () => {
  it("plan prints n and the stage breakdown", async () => {
    const run = await cli(["plan", "--budget", "150"], envFor(server));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("budget 150 ms → n = 3 (max 64), predicted 61.5 ms + 50 ms network margin");
    expect(run.stdout).toMatch(/propose\s+40\.5/);
  });

  it("usage and models print tables, --json prints JSON", async () => {
    const usage = await cli(["usage"], envFor(server));
    expect(usage.code, usage.stderr).toBe(0);
    expect(usage.stdout).toMatch(/credits remaining\s+988/);
    const models = await cli(["models", "--json"], envFor(server));
    expect(JSON.parse(models.stdout).data[0].id).toBe("tiny");
  });
});

describe("errors", () => {
  it("a rejected key: one clear line with the request id, exit 1", async () => {
    const run = await cli(["usage"], { TINYSCALE_API_KEY: "ts_test_wrong", TINYSCALE_BASE_URL: server.url });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^tinyscale: 401 invalid_api_key: unknown API key \(request req_\d+\)$/m);
    expect(run.stdout).toBe("");
  });

  it("nothing listening: says where it tried, exit 1", async () => {
    const closed = await startApiServer();
    await closed.close();
    const run = await cli(["models", "--max-retries", "0"], {
      TINYSCALE_API_KEY: TEST_KEY,
      TINYSCALE_BASE_URL: closed.url,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`tinyscale: cannot reach ${closed.url}`);
    expect(run.stderr).toContain("ECONNREFUSED");
  });

  it("bad usage: exit 2 with a hint", async () => {
    for (const args of [
      ["generate"],
      ["generate", "x", "--n", "two"],
      ["plan"],
      ["fly"],
      ["generate", "x", "--verifier", "gpt"],
      ["keys"],
      ["keys", "create"],
      ["keys", "revoke"],
    ]) {
      const run = await cli(args, envFor(server));
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toContain('Run "tinyscale --help" for usage.');
    }
  });

  it("no key anywhere: exit 1 naming TINYSCALE_API_KEY", async () => {
    const run = await cli(["models"], {}, tmpdir());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("TINYSCALE_API_KEY");
  });
});
