// Loads the edge's `startLocalEdge` (the Worker in workerd via miniflare) at run time, so a missing
// edge build gives the "not built yet" message rather than a module-resolution crash. The types come
// from the edge package itself (erased at run time), so the type-check test catches any drift.
import type * as Edge from "@tinyscale/edge";
import { NotBuiltError } from "./prerequisites.js";

export type LocalEdge = Edge.LocalEdge;
export type StartLocalEdge = typeof Edge.startLocalEdge;
export type LowPriorityCommand = typeof Edge.lowPriorityCommand;

// A variable, not a literal, so this import stays a run-time lookup the catch below can report.
const EDGE_PACKAGE = "@tinyscale/edge";

async function loadEdgeExport(name: string, what: string): Promise<unknown> {
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
  const value = module[name];
  if (typeof value !== "function") throw new NotBuiltError([{ what, fix: "npm run build" }]);
  return value;
}

export async function loadStartLocalEdge(): Promise<StartLocalEdge> {
  return (await loadEdgeExport(
    "startLocalEdge",
    "the edge's startLocalEdge export (edge/src/local)",
  )) as StartLocalEdge;
}

/** How the local stack lowers the backend's CPU priority (edge/src/local/backend-priority.ts). */
export async function loadLowPriorityCommand(): Promise<LowPriorityCommand> {
  return (await loadEdgeExport(
    "lowPriorityCommand",
    "the edge's lowPriorityCommand export (edge/src/local)",
  )) as LowPriorityCommand;
}
