// The two images' Dockerfiles against the repository: every COPY source exists and is not filtered
// out by the image's .dockerignore, the GPU image is CUDA 12 + cuDNN 9, non-root, and checks /healthz.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  contextCopySources,
  envOf,
  execForm,
  finalStage,
  healthcheck,
  readDockerfile,
} from "./dockerfile.js";
import { infraDir, repoRoot } from "./repo-paths.js";

interface InstallMetadata {
  manifests: Record<string, Record<string, unknown>>;
}

/** Each image and the path its HEALTHCHECK must ask (the edge has no health route of its own). */
const images = [
  ["gpu-backend.Dockerfile", "/healthz"],
  ["local-edge.Dockerfile", "/openapi.json"],
] as const;

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"));

/** The Node major the project runs on (.nvmrc, e.g. 24.22.3), which both images must start from. */
const nodeMajor = readFileSync(join(repoRoot, ".nvmrc"), "utf8").trim().replace(/^v/, "").split(".")[0];

function ignoredBy(dockerfileName: string): string[] {
  return readFileSync(join(infraDir, `${dockerfileName}.dockerignore`), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

describe.each(images)("%s", (name, healthPath) => {
  const file = readDockerfile(join(infraDir, name));

  it("builds on the project's Node major (.nvmrc)", () => {
    expect(file.args.NODE_IMAGE).toMatch(new RegExp(`^node:${nodeMajor}-`));
  });

  it("copies only paths that exist in the repository and survive .dockerignore", () => {
    const ignored = ignoredBy(name);
    const sources = contextCopySources(file);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(repoRoot, source)), `${name}: COPY ${source}`).toBe(true);
      const clean = source.replace(/\/$/, "");
      for (const pattern of ignored) {
        expect(
          clean === pattern || clean.startsWith(`${pattern}/`),
          `${source} is ignored by ${pattern}`,
        ).toBe(false);
      }
    }
  });

  it("installs from the lockfile and every workspace's package.json, none filtered out", () => {
    const manifests = file.instructions.filter((i) => i.stage === "manifests" && i.keyword === "RUN");
    expect(manifests.map((i) => i.args).join(" ")).toContain("-mindepth 2 -maxdepth 2 -name package.json");
    const root = z
      .object({ workspaces: z.array(z.string()) })
      .parse(readJson(join(repoRoot, "package.json")));
    const ignored = ignoredBy(name);
    for (const workspace of root.workspaces) {
      expect(workspace, "workspaces sit one level deep, where the manifests stage looks").not.toContain("/");
      expect(existsSync(join(repoRoot, workspace, "package.json"))).toBe(true);
      expect(
        ignored.some((p) => workspace === p || workspace.startsWith(`${p}/`)),
        workspace,
      ).toBe(false);
    }
    const installs = file.instructions.filter((i) => i.keyword === "RUN" && i.args.includes("npm ci"));
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) {
      const stage = file.instructions.filter((i) => i.stage === install.stage);
      expect(stage.some((i) => i.keyword === "COPY" && i.args.startsWith("--from=manifests"))).toBe(true);
    }
  });

  it("runs as a non-root user with an exec-form command and a healthcheck", () => {
    const final = finalStage(file);
    const user = final.filter((i) => i.keyword === "USER").at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(execForm(final, "CMD")?.[0]).toBe("node");
    const check = healthcheck(final);
    expect(check?.command.join(" ")).toContain(`+'${healthPath}'`);
    const port = envOf(final).PORT;
    expect(final.some((i) => i.keyword === "EXPOSE" && i.args === port)).toBe(true);
  });
});

describe("gpu-backend.Dockerfile", () => {
  const file = readDockerfile(join(infraDir, "gpu-backend.Dockerfile"));
  const final = finalStage(file);

  it("runs on a CUDA 12 + cuDNN runtime image", () => {
    expect(file.args.CUDA_IMAGE).toMatch(/^nvidia\/cuda:12\.\d+\.\d+-cudnn-runtime-ubuntu/);
    expect(final[0]?.args).toMatch(/^\$\{CUDA_IMAGE\} AS runtime$/);
  });

  it("installs onnxruntime-node's CUDA 12 provider and fails the build without it", () => {
    const deps = file.instructions.filter((i) => i.stage === "deps");
    expect(deps.length).toBeGreaterThan(0);
    expect(envOf(deps).ONNXRUNTIME_NODE_INSTALL).toBe("cuda12");
    const run = deps.find((i) => i.keyword === "RUN")?.args ?? "";
    expect(run).toContain("npm ci --omit=dev");
    expect(run).toContain("libonnxruntime_providers_cuda.so");
    // The path the test checks is the one onnxruntime-node's install script writes.
    const require = createRequire(join(repoRoot, "package.json"));
    const metadata = require("onnxruntime-node/script/install-metadata.js") as InstallMetadata;
    expect(Object.keys(metadata.manifests["linux/x64:cuda12"] ?? {})).toContain(
      "./libonnxruntime_providers_cuda.so",
    );
    const installer = readFileSync(require.resolve("onnxruntime-node/script/install.js"), "utf8");
    expect(installer).toContain("'bin/napi-v6', PLATFORM");
  });

  it("serves the bundle mounted at /models on the CUDA EP", () => {
    const env = envOf(final);
    expect(env.TINYSCALE_BUNDLE).toBe("/models");
    expect(env.TINYSCALE_EP).toBe("cuda");
    expect(env.PORT).toBe("8090");
    expect(final.some((i) => i.keyword === "VOLUME" && i.args.includes("/models"))).toBe(true);
  });

  it("copies the backend's build output that its CMD runs", () => {
    const cmd = execForm(final, "CMD") ?? [];
    const script = cmd[1] ?? "";
    const copied = final
      .filter((i) => i.keyword === "COPY")
      .map((i) => i.args.split(/\s+/).at(-1)?.replace(/\/$/, "") ?? "");
    expect(copied.some((target) => script.startsWith(`${target}/`))).toBe(true);
  });
});
