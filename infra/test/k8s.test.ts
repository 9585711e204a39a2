// infra/k8s against itself and the image: every manifest parses and is listed, selectors, ports, probe
// paths, secret and volume names line up, one GPU per pod, and the HPA's metric is the adapter's rule.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import { DRAIN_SECONDS, HPA_METRIC } from "./backend-facts.js";
import { envOf, finalStage, readDockerfile } from "./dockerfile.js";
import { infraDir } from "./repo-paths.js";

const k8sDir = join(infraDir, "k8s");
const Labels = z.record(z.string(), z.string());
const Quantities = z.record(z.string(), z.union([z.string(), z.number()]));
const Probe = z.object({ httpGet: z.object({ path: z.string(), port: z.union([z.string(), z.number()]) }) });
const Container = z.object({
  name: z.string(),
  image: z.string(),
  ports: z.array(z.object({ name: z.string(), containerPort: z.number() })),
  env: z.array(
    z.object({
      name: z.string(),
      value: z.string().optional(),
      valueFrom: z.object({ secretKeyRef: z.object({ name: z.string(), key: z.string() }) }).optional(),
    }),
  ),
  resources: z.object({ requests: Quantities, limits: Quantities }),
  startupProbe: Probe,
  livenessProbe: Probe,
  readinessProbe: Probe,
  lifecycle: z.object({ preStop: z.object({ exec: z.object({ command: z.array(z.string()) }) }) }),
  volumeMounts: z.array(
    z.object({ name: z.string(), mountPath: z.string(), readOnly: z.boolean().optional() }),
  ),
});
const Deployment = z.object({
  kind: z.literal("Deployment"),
  metadata: z.object({ name: z.string() }),
  spec: z.object({
    replicas: z.never().optional(),
    selector: z.object({ matchLabels: Labels }),
    template: z.object({
      metadata: z.object({ labels: Labels, annotations: Labels }),
      spec: z.object({
        terminationGracePeriodSeconds: z.number(),
        securityContext: z.object({ runAsNonRoot: z.literal(true), runAsUser: z.number() }),
        containers: z.array(Container).length(1),
        volumes: z.array(
          z.object({
            name: z.string(),
            persistentVolumeClaim: z.object({ claimName: z.string() }).optional(),
          }),
        ),
      }),
    }),
  }),
});
const Manifest = z
  .object({ apiVersion: z.string(), kind: z.string(), metadata: z.object({ name: z.string() }) })
  .loose();

const files = readdirSync(k8sDir).filter((f) => f.endsWith(".yaml"));
const docs = new Map<string, unknown[]>(
  files.map((f) => [
    f,
    parseAllDocuments(readFileSync(join(k8sDir, f), "utf8")).map((d) => d.toJS() as unknown),
  ]),
);
const manifests = [...docs.entries()]
  .filter(([f]) => f !== "kustomization.yaml" && f !== "prometheus-adapter-values.yaml")
  .flatMap(([, d]) => d.map((doc) => Manifest.parse(doc)));
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const one = (kind: string) => {
  const found = byKind(kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as z.infer<typeof Manifest>;
};
const deployment = Deployment.parse(one("Deployment"));
const pod = deployment.spec.template.spec;
const container = pod.containers[0] as z.infer<typeof Container>;
const env = (name: string) => container.env.find((e) => e.name === name);
const subset = (part: Record<string, string>, whole: Record<string, string>) =>
  Object.entries(part).every(([k, v]) => whole[k] === v);

describe("infra/k8s", () => {
  it("lists every manifest in kustomization.yaml, and each parses with kind and name", () => {
    const kustomization = z
      .object({ resources: z.array(z.string()), images: z.array(z.object({ name: z.string() })) })
      .parse(docs.get("kustomization.yaml")?.[0]);
    const listed = new Set(kustomization.resources);
    for (const file of files.filter(
      (f) => f !== "kustomization.yaml" && f !== "prometheus-adapter-values.yaml",
    )) {
      expect(listed.has(file), `${file} not in kustomization.yaml`).toBe(true);
    }
    for (const resource of kustomization.resources) expect(files, resource).toContain(resource);
    expect(kustomization.images.map((i) => i.name)).toContain(container.image);
    expect(manifests.length).toBeGreaterThanOrEqual(6);
  });

  it("selects the pods it creates, and so do the Service and the PodDisruptionBudget", () => {
    const labels = deployment.spec.template.metadata.labels;
    expect(subset(deployment.spec.selector.matchLabels, labels)).toBe(true);
    const service = z
      .object({
        spec: z.object({
          selector: Labels,
          ports: z.array(z.object({ port: z.number(), targetPort: z.string() })),
        }),
      })
      .parse(one("Service"));
    expect(subset(service.spec.selector, labels)).toBe(true);
    for (const port of service.spec.ports)
      expect(container.ports.map((p) => p.name)).toContain(port.targetPort);
    const pdb = z
      .object({ spec: z.object({ maxUnavailable: z.number(), selector: z.object({ matchLabels: Labels }) }) })
      .parse(one("PodDisruptionBudget"));
    expect(subset(pdb.spec.selector.matchLabels, labels)).toBe(true);
    expect(pdb.spec.maxUnavailable).toBe(1);
  });

  it("gives each pod exactly one GPU and runs it on the CUDA EP", () => {
    expect(container.resources.limits["nvidia.com/gpu"]).toBe(1);
    expect(container.resources.requests["nvidia.com/gpu"]).toBe(1);
    expect(container.resources.limits.memory).toBeDefined();
    expect(env("TINYSCALE_EP")?.value).toBe("cuda");
  });

  it("probes readiness on /readyz and liveness on /healthz at the port the backend listens on", () => {
    expect(container.readinessProbe.httpGet.path).toBe("/readyz");
    expect(container.livenessProbe.httpGet.path).toBe("/healthz");
    expect(container.startupProbe.httpGet.path).toBe("/healthz");
    const http = container.ports.find((p) => p.name === "http");
    expect(String(http?.containerPort)).toBe(env("PORT")?.value);
    expect(deployment.spec.template.metadata.annotations["prometheus.io/port"]).toBe(env("PORT")?.value);
  });

  it("mounts the bundle volume read-only at TINYSCALE_BUNDLE from the models claim", () => {
    const mount = container.volumeMounts.find((m) => m.mountPath === env("TINYSCALE_BUNDLE")?.value);
    expect(mount?.readOnly).toBe(true);
    const volume = pod.volumes.find((v) => v.name === mount?.name);
    expect(volume?.persistentVolumeClaim?.claimName).toBe(one("PersistentVolumeClaim").metadata.name);
  });

  it("reads both backend secrets from one Secret, and runs as the image's user", () => {
    const refs = container.env.flatMap((e) => (e.valueFrom ? [e.valueFrom.secretKeyRef.name] : []));
    expect(new Set(refs).size).toBe(1);
    expect(env("TINYSCALE_SIGNING_SECRET")?.valueFrom).toBeDefined();
    const image = finalStage(readDockerfile(join(infraDir, "gpu-backend.Dockerfile")));
    const user = image.filter((i) => i.keyword === "USER").at(-1)?.args ?? "";
    expect(user.split(":")[0]).toBe(String(pod.securityContext.runAsUser));
    expect(envOf(image).TINYSCALE_BUNDLE).toBe(env("TINYSCALE_BUNDLE")?.value);
  });

  it("allows the SIGTERM drain and the preStop pause inside terminationGracePeriodSeconds", () => {
    const command = container.lifecycle.preStop.exec.command;
    expect(command[0]).toBe("sleep");
    const pause = Number(command[1]);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(pause + DRAIN_SECONDS);
  });

  it("scales the Deployment on the queue-depth metric that the adapter rule exports", () => {
    const hpa = z
      .object({
        spec: z.object({
          scaleTargetRef: z.object({ apiVersion: z.string(), kind: z.string(), name: z.string() }),
          minReplicas: z.number(),
          maxReplicas: z.number(),
          metrics: z.array(
            z.object({ type: z.literal("Pods"), pods: z.object({ metric: z.object({ name: z.string() }) }) }),
          ),
        }),
      })
      .parse(one("HorizontalPodAutoscaler"));
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: deployment.metadata.name,
    });
    expect(hpa.spec.metrics.map((m) => m.pods.metric.name)).toEqual([HPA_METRIC]);
    const adapter = z
      .object({
        rules: z.object({
          custom: z.array(z.object({ seriesQuery: z.string(), name: z.object({ as: z.string() }) })),
        }),
      })
      .parse(docs.get("prometheus-adapter-values.yaml")?.[0]);
    const rule = adapter.rules.custom.find((r) => r.name.as === HPA_METRIC);
    expect(rule?.seriesQuery.startsWith(`${HPA_METRIC}{`)).toBe(true);
  });
});
