// infra/compose.yaml against the repository: build files exist, the bundle mount and ports agree with
// the backend's settings, the edge points at the backend service, and the GPU reservation is one device.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { DRAIN_SECONDS } from "./backend-facts.js";
import { infraDir, repoRoot } from "./repo-paths.js";

const Healthcheck = z.object({ test: z.array(z.string()) });
const Service = z.object({
  build: z.object({ context: z.string(), dockerfile: z.string() }),
  environment: z.record(z.string(), z.string()),
  healthcheck: Healthcheck.optional(),
  volumes: z.array(
    z.union([
      z.string(),
      z.object({
        type: z.string(),
        source: z.string(),
        target: z.string(),
        read_only: z.boolean().optional(),
      }),
    ]),
  ),
  expose: z.array(z.string()).optional(),
  ports: z.array(z.string()).optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
  deploy: z.unknown().optional(),
  stop_grace_period: z.string().optional(),
});
const Compose = z.object({ services: z.record(z.string(), Service) });
const GpuDevices = z.object({
  resources: z.object({
    reservations: z.object({
      devices: z.array(
        z.object({ driver: z.string(), device_ids: z.array(z.string()), capabilities: z.array(z.string()) }),
      ),
    }),
  }),
});

const compose = Compose.parse(parse(readFileSync(join(infraDir, "compose.yaml"), "utf8")));
const service = (name: string) => {
  const found = compose.services[name];
  if (!found) throw new Error(`compose.yaml has no service "${name}"`);
  return found;
};
/** `${NAME:-default}` → default; `${NAME:?message}` → undefined (must be set by the user). */
const defaultOf = (value: string) => /^\$\{\w+:-(.+)\}$/.exec(value)?.[1] ?? value;

describe("compose.yaml", () => {
  it("builds every service from a Dockerfile in the repository, with the repository as context", () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      const context = resolve(infraDir, svc.build.context);
      expect(context, name).toBe(resolve(repoRoot));
      expect(existsSync(join(context, svc.build.dockerfile)), `${name}: ${svc.build.dockerfile}`).toBe(true);
    }
  });

  it("mounts an existing bundle read-only where the backend looks for it", () => {
    const backend = service("backend");
    const mount = backend.volumes.find(
      (v) => typeof v !== "string" && v.target === backend.environment.TINYSCALE_BUNDLE,
    );
    if (typeof mount !== "object") throw new Error("no bundle mount");
    expect(mount.type).toBe("bind");
    expect(mount.read_only).toBe(true);
    const source = resolve(infraDir, defaultOf(mount.source));
    expect(existsSync(join(source, "manifest.json")), `${source}/manifest.json`).toBe(true);
  });

  it("exposes and health-checks the port the backend listens on, on the CUDA EP", () => {
    const backend = service("backend");
    expect(backend.environment.TINYSCALE_EP).toBe("cuda");
    expect(backend.expose).toEqual([backend.environment.PORT]);
    expect(backend.healthcheck?.test.join(" ")).toContain("process.env.PORT+'/readyz'");
  });

  it("waits for the backend's SIGTERM drain before killing it", () => {
    const grace = /^(\d+)s$/.exec(service("backend").stop_grace_period ?? "")?.[1];
    expect(Number(grace)).toBeGreaterThanOrEqual(DRAIN_SECONDS);
  });

  it("reserves exactly one GPU for the backend (one process per GPU)", () => {
    const devices = GpuDevices.parse(service("backend").deploy).resources.reservations.devices;
    expect(devices).toHaveLength(1);
    expect(devices[0]?.driver).toBe("nvidia");
    expect(devices[0]?.device_ids).toHaveLength(1);
    expect(devices[0]?.capabilities).toContain("gpu");
  });

  it("points the edge at the backend service's port, started once the backend is healthy", () => {
    const edge = service("edge");
    const backends: unknown = JSON.parse(edge.environment.TINYSCALE_BACKENDS ?? "null");
    expect(Array.isArray(backends)).toBe(true);
    for (const url of backends as string[]) {
      const { hostname, port } = new URL(url);
      expect(compose.services[hostname], url).toBeDefined();
      expect(port).toBe(service(hostname).environment.PORT);
    }
    expect(edge.depends_on?.backend?.condition).toBe("service_healthy");
    expect(edge.ports).toEqual([`127.0.0.1:${edge.environment.PORT}:${edge.environment.PORT}`]);
  });

  it("gives the edge and the backend the same signing secret and the edge every variable it requires", () => {
    const edge = service("edge");
    const variable = (value: string | undefined) => /^\$\{(\w+)/.exec(value ?? "")?.[1];
    const secret = variable(edge.environment.TINYSCALE_SIGNING_SECRET);
    expect(secret).toBe("TINYSCALE_SIGNING_SECRET");
    expect(variable(service("backend").environment.TINYSCALE_SIGNING_SECRET)).toBe(secret);
    const starter = readFileSync(join(repoRoot, "scripts/local/serve-edge.ts"), "utf8");
    const required = [...starter.matchAll(/required\("(\w+)"\)/g)].map((m) => m[1]);
    expect(required.length).toBeGreaterThan(0);
    for (const name of required) expect(edge.environment, `${name}`).toHaveProperty(name as string);
  });
});
