// The local-edge container's entry: the edge Worker in workerd in front of the backends named in the
// environment, until SIGTERM. Production runs the same Worker on Cloudflare (README "Deploy").
import { freePort } from "./free-port.js";
import { loadStartLocalEdge } from "./local-edge.js";
import { forwardTcp } from "./tcp-forward.js";

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === "") {
    console.error(`serve-edge: ${name} is not set`);
    process.exit(1);
  }
  return value;
}

async function main(): Promise<void> {
  const backends: unknown = JSON.parse(required("TINYSCALE_BACKENDS"));
  if (!Array.isArray(backends) || !backends.every((b) => typeof b === "string")) {
    throw new Error('TINYSCALE_BACKENDS must be a JSON list of URLs, e.g. ["http://backend:8090"]');
  }
  const host = process.env.HOST ?? "127.0.0.1";
  const port = Number(process.env.PORT ?? 8787);
  const loopback = host === "127.0.0.1" || host === "localhost";
  const startLocalEdge = await loadStartLocalEdge();
  // startLocalEdge binds 127.0.0.1 only; on another interface, listen there and forward to it.
  const edge = await startLocalEdge({
    backends,
    signingSecret: required("TINYSCALE_SIGNING_SECRET"),
    adminToken: required("TINYSCALE_ADMIN_TOKEN"),
    port: loopback ? port : await freePort(),
    ...(process.env.TINYSCALE_EDGE_PERSIST ? { persistTo: process.env.TINYSCALE_EDGE_PERSIST } : {}),
  });
  const forward = loopback ? undefined : await forwardTcp(host, port, Number(new URL(edge.url).port));
  console.log(`edge listening on http://${host}:${port}, forwarding to ${backends.join(", ")}`);
  // Miniflare registers its own SIGTERM/SIGINT hook first: it disposes workerd and exits (143/130),
  // so this is the fallback should that hook ever go away.
  const stop = () => {
    forward?.close();
    edge.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error("serve-edge failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
