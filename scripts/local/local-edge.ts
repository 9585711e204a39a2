// Loads the edge's `startLocalEdge` (the Worker in workerd via miniflare) at run time, so a missing or
// older edge build gives the "not built yet" message rather than a module-resolution crash.
import { NotBuiltError } from "./prerequisites.js";

export interface LocalEdgeOptions {
  backends: string[];
  signingSecret: string;
  adminToken: string;
  port?: number;
  persistTo?: string;
}

export interface LocalEdge {
  url: string;
  close(): Promise<void>;
}

type StartLocalEdge = (options: LocalEdgeOptions) => Promise<LocalEdge>;

// A variable, not a literal: the type checker must not require the edge's exports to exist yet.
const EDGE_PACKAGE = "@tinyscale/edge";

export async function loadStartLocalEdge(): Promise<StartLocalEdge> {
  let module: Record<string, unknown>;
  try {
    module = (await import(EDGE_PACKAGE)) as Record<string, unknown>;
  } catch (error) {
    throw new NotBuiltError([
      {
        what: `the edge package (${error instanceof Error ? error.message : String(error)})`,
        fix: "npm run build",
      },
    ]);
  }
  const start = module.startLocalEdge;
  if (typeof start !== "function") {
    throw new NotBuiltError([
      { what: "the edge's startLocalEdge export (edge/src/local)", fix: "npm run build" },
    ]);
  }
  return start as StartLocalEdge;
}
