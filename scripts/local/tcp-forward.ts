// Forwards a public TCP port to a loopback one. The local edge (miniflare) binds 127.0.0.1 only, which
// a container's published port cannot reach; the local-edge container listens on 0.0.0.0 through this.
import { createConnection, createServer, type Server } from "node:net";

export function forwardTcp(listenHost: string, listenPort: number, targetPort: number): Promise<Server> {
  const server = createServer((client) => {
    const upstream = createConnection({ host: "127.0.0.1", port: targetPort });
    client.pipe(upstream).pipe(client);
    // Either side failing ends both; the HTTP client sees a closed connection and may retry.
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenPort, listenHost, () => resolve(server));
  });
}
