// Reads the TypeScript import graph of the repository's workspaces: every module's import specifiers
// (imports, re-exports, dynamic imports), each marked when it is erased at run time (`import type`).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

export const REPO_ROOT = resolve(import.meta.dirname, "..", "..");

/**
 * The folders whose modules are checked: the npm workspaces, and infra (tests of the deploy files, not a
 * package of its own). Each keeps its code in the CODE_FOLDERS below.
 */
export const WORKSPACES: readonly string[] = [
  ...(JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { workspaces: string[] })
    .workspaces,
  "infra",
];
const CODE_FOLDERS = ["src", "test", "scripts"];

export interface ImportEdge {
  specifier: string;
  /** `import type` / `export type`: gone at run time, so it cannot take part in a load-order cycle. */
  typeOnly: boolean;
}

export interface ModuleImports {
  /** Repository-relative path, forward slashes. */
  file: string;
  workspace: string;
  imports: ImportEdge[];
}

function importsOf(path: string): ImportEdge[] {
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  const edges: ImportEdge[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allNamedTypes =
        named !== undefined &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((element) => element.isTypeOnly) &&
        clause?.name === undefined;
      edges.push({
        specifier: node.moduleSpecifier.text,
        typeOnly: Boolean(clause?.isTypeOnly) || allNamedTypes,
      });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      edges.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      edges.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

function tsFiles(folder: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(folder, name);
    if (name === "node_modules" || name === "dist") return [];
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

export function readImports(): ModuleImports[] {
  return WORKSPACES.flatMap((workspace) =>
    CODE_FOLDERS.flatMap((folder) => tsFiles(join(REPO_ROOT, workspace, folder))).map((path) => ({
      file: relative(REPO_ROOT, path).split(sep).join("/"),
      workspace,
      imports: importsOf(path),
    })),
  );
}

/** The repository-relative `.ts` module a relative specifier names (`./x.js` is `./x.ts` in the sources). */
export function resolveRelative(from: string, specifier: string): string {
  const target = resolve(REPO_ROOT, dirname(from), specifier).replace(/\.js$/, ".ts");
  return relative(REPO_ROOT, target).split(sep).join("/");
}

export const isRelative = (specifier: string) => specifier.startsWith("./") || specifier.startsWith("../");

/** A cycle in a directed graph, as the path that closes it, or null. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === "visiting") return [...path.slice(path.indexOf(node)), node];
    if (state.get(node) === "done" || !graph.has(node)) return null;
    state.set(node, "visiting");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}
