// The setup most edge test files share: one fake backend on 127.0.0.1 and one local edge in front of it,
// started before the file's tests and closed after them.
import { afterAll, beforeAll } from "vitest";
import { SIGNING_SECRET, startTestEdge, type TestEdge } from "./edge-fixture.js";
import { type FakeBackend, startFakeBackend } from "./fake-backend.js";

export interface EdgeWithFakeBackend {
  edge: TestEdge;
  backend: FakeBackend;
}

/**
 * Registers the file's beforeAll/afterAll hooks; `started` receives both once they run (tests keep them
 * in their own variables). `vars` are the edge's extra bindings.
 */
export function startEdgeWithFakeBackend(
  started: (stack: EdgeWithFakeBackend) => void,
  vars: Record<string, string> = {},
): void {
  let stack: Partial<EdgeWithFakeBackend> = {};
  beforeAll(async () => {
    const backend = await startFakeBackend(SIGNING_SECRET);
    stack = { backend };
    const edge = await startTestEdge([backend.url], vars);
    stack = { backend, edge };
    started({ backend, edge });
  });
  afterAll(async () => {
    await stack.edge?.close();
    await stack.backend?.close();
  });
}
