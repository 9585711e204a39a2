// The repository's module structure stays as designed: no load-order cycle inside any workspace, no
// workspace reaching into another's files (a package is used through its entries in package.json's
// `exports`), and the backend's lower layers (onnx/, image/) never importing the pipeline above them.
import { describe, expect, it } from "vitest";
import { findCycle, isRelative, readImports, resolveRelative, WORKSPACES } from "./import-graph.js";

const modules = readImports();

describe("TypeScript import graph", () => {
  it("reads every workspace's modules", () => {
    for (const workspace of WORKSPACES) {
      expect(
        modules.some((module) => module.workspace === workspace),
        workspace,
      ).toBe(true);
    }
  });

  it("has no cycle of run-time imports inside a workspace", () => {
    const graph = new Map<string, string[]>();
    for (const module of modules) {
      const targets = module.imports
        .filter((edge) => !edge.typeOnly && isRelative(edge.specifier))
        .map((edge) => resolveRelative(module.file, edge.specifier));
      graph.set(module.file, targets);
    }
    expect(findCycle(graph)?.join(" → ") ?? null).toBeNull();
  });

  it("imports another workspace only through its package entries, never its files or build output", () => {
    const reaches = modules.flatMap((module) =>
      module.imports
        .filter(({ specifier }) => {
          if (/^@tinyscale\/[^/]+\/(dist|src)\//.test(specifier)) return true;
          if (!isRelative(specifier)) return false;
          const target = resolveRelative(module.file, specifier);
          return WORKSPACES.some((other) => other !== module.workspace && target.startsWith(`${other}/`));
        })
        .map(({ specifier }) => `${module.file} → ${specifier}`),
    );
    expect(reaches).toEqual([]);
  });

  it("keeps gpu-backend's onnx/ and image/ below pipeline/ (shared types come from @tinyscale/shared)", () => {
    const upward = modules
      .filter((module) => /^gpu-backend\/src\/(onnx|image)\//.test(module.file))
      .flatMap((module) =>
        module.imports
          .filter(({ specifier }) => isRelative(specifier))
          .filter(({ specifier }) =>
            resolveRelative(module.file, specifier).startsWith("gpu-backend/src/pipeline/"),
          )
          .map(({ specifier }) => `${module.file} → ${specifier}`),
      );
    expect(upward).toEqual([]);
  });

  it("finds a cycle when there is one", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
    ]);
    expect(findCycle(graph)).toEqual(["a", "b", "c", "a"]);
    expect(findCycle(new Map([["a", ["b"]]]))).toBeNull();
  });
});
