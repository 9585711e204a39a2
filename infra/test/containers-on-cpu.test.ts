// Runs both images' own command lines on this machine's CPU, wired as compose wires them: each
// Dockerfile's CMD from its WORKDIR (the repository root here) with its ENV, only TINYSCALE_EP=cpu and
// the tiny bundle swapped in. Then the HEALTHCHECKs, the k8s probe paths, the HPA's metric, one
// generate through the edge and the backend's SIGTERM drain are checked against those processes.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { z } from "zod";
import { freePort } from "../../scripts/local/free-port.js";
import { waitForOk } from "../../scripts/local/wait-http.js";
import { DRAIN_SECONDS, HPA_METRIC } from "./backend-facts.js";
import { finalStage, healthcheck, readDockerfile } from "./dockerfile.js";
import { infraDir, repoRoot, tinyBundle } from "./repo-paths.js";
import { type ImageProcess, imageCommand, runImage, stopImage } from "./run-image.js";

const secret = () => randomBytes(32).toString("hex");

/** Direct children of a process, from /proc (Linux, as in CI). */
function childPids(parent: number): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent pid; the command in field 2 may contain spaces.
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === parent;
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function k8sProbePaths(): string[] {
  const text = readFileSync(join(infraDir, "k8s", "gpu-backend-deployment.yaml"), "utf8");
  return [...text.matchAll(/path: (\/\S+)/g)].map((m) => m[1] as string);
}

/** Every env var name the deployment config sets for the backend, from all three places. */
function configuredBackendEnv(): Set<string> {
  const names = new Set(Object.keys(imageCommand("gpu-backend.Dockerfile").env));
  const compose = z
    .object({ services: z.object({ backend: z.object({ environment: z.record(z.string(), z.string()) }) }) })
    .parse(parse(readFileSync(join(infraDir, "compose.yaml"), "utf8")));
  for (const name of Object.keys(compose.services.backend.environment)) names.add(name);
  const deployment = parseAllDocuments(
    readFileSync(join(infraDir, "k8s", "gpu-backend-deployment.yaml"), "utf8"),
  )[0];
  for (const match of JSON.stringify(deployment?.toJS()).matchAll(/"name":"([A-Z][A-Z0-9_]+)"/g)) {
    names.add(match[1] as string);
  }
  names.delete("NODE_ENV"); // Node's own, not a backend option
  return names;
}

/** Runs an image's HEALTHCHECK command against a port; throws on a non-zero exit. */
function runHealthcheck(dockerfileName: string, port: number): void {
  const check = healthcheck(finalStage(readDockerfile(join(infraDir, dockerfileName))));
  const [program, ...args] = check?.command ?? [];
  expect(program).toBe("node");
  execFileSync(process.execPath, args, { env: { ...process.env, PORT: String(port) }, timeout: 10_000 });
}

describe("the images' entry commands, on CPU", () => {
  const signingSecret = secret();
  const adminToken = secret();
  let backend: ImageProcess;
  let edge: ImageProcess;
  let backendPort: number;
  let edgePort: number;
  let backendUrl: string;

  beforeAll(async () => {
    backendPort = await freePort();
    backendUrl = `http://127.0.0.1:${backendPort}`;
    backend = runImage("gpu-backend.Dockerfile", {
      PORT: String(backendPort),
      HOST: "127.0.0.1",
      TINYSCALE_EP: "cpu",
      TINYSCALE_BUNDLE: tinyBundle,
      TINYSCALE_SIGNING_SECRET: signingSecret,
    });
    await waitForOk(`${backendUrl}/healthz`, { timeoutMs: 60_000, failed: backend.exitReason });
    edgePort = await freePort();
    // 127.0.0.2 is loopback too but not "127.0.0.1", so the starter's public-interface forwarder runs
    // as it does for 0.0.0.0 in the container, without listening beyond this machine.
    edge = runImage("local-edge.Dockerfile", {
      PORT: String(edgePort),
      HOST: "127.0.0.2",
      TINYSCALE_BACKENDS: JSON.stringify([backendUrl]),
      TINYSCALE_SIGNING_SECRET: signingSecret,
      TINYSCALE_ADMIN_TOKEN: adminToken,
      TINYSCALE_EDGE_PERSIST: "",
    });
    await waitForOk(`http://127.0.0.2:${edgePort}/openapi.json`, {
      timeoutMs: 60_000,
      failed: edge.exitReason,
    });
  });

  afterAll(async () => {
    await stopImage(edge);
    await stopImage(backend);
  });

  it("passes the backend image's HEALTHCHECK", () => {
    runHealthcheck("gpu-backend.Dockerfile", backendPort);
  });

  it("answers every probe path of the Kubernetes Deployment once ready", async () => {
    await waitForOk(`${backendUrl}/readyz`, { timeoutMs: 90_000, failed: backend.exitReason });
    for (const path of k8sProbePaths()) {
      const response = await fetch(`${backendUrl}${path}`);
      await response.body?.cancel();
      expect(response.status, path).toBe(200);
    }
  });

  it("exports the queue-depth gauge the HorizontalPodAutoscaler scales on", async () => {
    const text = await (await fetch(`${backendUrl}/metrics`)).text();
    expect(text).toMatch(new RegExp(`^# TYPE ${HPA_METRIC} gauge$`, "m"));
    expect(text).toMatch(new RegExp(`^${HPA_METRIC} \\d+`, "m"));
  });

  it("knows every environment variable the Dockerfile, compose file and Deployment set", () => {
    const { file, args } = imageCommand("gpu-backend.Dockerfile");
    const help = execFileSync(file, [...args, "--help"], { cwd: repoRoot }).toString();
    const known = new Set([...help.matchAll(/env ([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]));
    for (const name of configuredBackendEnv())
      expect(known.has(name), `${name} is not a backend option`).toBe(true);
  });

  it("passes the edge image's HEALTHCHECK through the public-interface forwarder", () => {
    // The check asks 127.0.0.1 inside the container; here the forwarder listens on 127.0.0.2, so ask
    // the starter's loopback side by the same command with the edge's URL port.
    const check = healthcheck(finalStage(readDockerfile(join(infraDir, "local-edge.Dockerfile"))));
    const script = (check?.command.at(-1) ?? "").replace("127.0.0.1", "127.0.0.2");
    execFileSync(process.execPath, ["-e", script], {
      env: { ...process.env, PORT: String(edgePort) },
      timeout: 10_000,
    });
  });

  it("serves a signed generate end to end: admin key, edge in workerd, backend on the tiny bundle", async () => {
    await waitForOk(`${backendUrl}/readyz`, { timeoutMs: 90_000, failed: backend.exitReason });
    const edgeUrl = `http://127.0.0.2:${edgePort}`;
    const created = await fetch(`${edgeUrl}/admin/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "infra test", environment: "test" }),
    });
    expect(created.status).toBe(201);
    const { key } = z.object({ key: z.string() }).parse(await created.json());
    const generated = await fetch(`${edgeUrl}/v1/generate`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "a red fox in the snow", n: 2, seed: 7 }),
    });
    expect(generated.status, await generated.clone().text()).toBe(200);
    const body = z
      .object({ n: z.number(), image: z.object({ b64_json: z.string(), mime_type: z.string() }) })
      .parse(await generated.json());
    expect(body.n).toBe(2);
    expect(Buffer.from(body.image.b64_json, "base64").subarray(1, 4).toString()).toBe("PNG");
  });

  it("drains and exits 0 on SIGTERM within the Deployment's grace period", async () => {
    const exited = new Promise<number | null>((resolve) =>
      backend.child.once("exit", (code) => resolve(code)),
    );
    const started = Date.now();
    backend.child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(DRAIN_SECONDS * 1000);
  });

  it("stops the edge on SIGTERM as docker stop does, its workerd gone with it", async () => {
    const pid = edge.child.pid ?? 0;
    const children = childPids(pid);
    expect(children.length).toBeGreaterThan(0); // workerd, spawned by Miniflare
    const exited = new Promise<number | null>((resolve) => edge.child.once("exit", (code) => resolve(code)));
    edge.child.kill("SIGTERM");
    // Miniflare's own SIGTERM hook disposes workerd and exits 128 + 15; either is a clean stop.
    expect([0, 143]).toContain(await exited);
    // Children are killed as the process exits and may take a moment to go; orphans would stay.
    const deadline = Date.now() + 5_000;
    while (children.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    for (const child of children) {
      expect(isRunning(child), `child ${child} of the edge still runs`).toBe(false);
    }
  });
});
