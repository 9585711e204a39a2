// Loads the edge's `startLocalEdge` (the Worker in workerd via miniflare) at run time, so a missing
// edge build gives the "not built yet" message rather than a module-resolution crash. The types come
// from the edge package itself (erased at run time), so the type-check test catches any drift.
import type * as Edge from "@tinyscale/edge";
import { NotBuiltError } from "./prerequisites.js";

export type LocalEdge = Edge.LocalEdge;
export type StartLocalEdge = typeof Edge.startLocalEdge;

// A variable, not a literal, so this import stays a run-time lookup the catch below can report.
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
