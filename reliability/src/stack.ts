// The whole local stack as production wires it: one backend child process on 127.0.0.1 and the edge in
// workerd forwarding to it with HMAC signatures. Test files start one each and close it after.
import { type BackendProcess, type BackendProcessOptions, startBackendProcess } from "./backend-process.js";
import { Tally } from "./http-call.js";
import { type Edge, startEdge } from "./local-edge.js";

export interface Stack {
  backend: BackendProcess;
  edge: Edge;
  tally: Tally;
  close(): Promise<void>;
}

export async function startStack(
  options: { backend?: BackendProcessOptions; edgeVars?: Record<string, string> } = {},
): Promise<Stack> {
  const tally = new Tally();
  const backend = await startBackendProcess(options.backend);
  let edge: Edge;
  try {
    edge = await startEdge([backend.url], tally, options.edgeVars);
  } catch (error) {
    await backend.stop();
    throw error;
  }
  return {
    backend,
    edge,
    tally,
    async close() {
      await edge.close();
      await backend.stop();
    },
  };
}
