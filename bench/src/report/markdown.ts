// Small markdown builders for bench/results/SUMMARY.md: tables and number formatting.
// Kept free of benchmark knowledge so the test can drive it with fixed data.

export type Cell = string | number | boolean | null | undefined;

export function formatCell(value: Cell, digits = 2): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return String(value);
    return Number.isInteger(value) ? String(value) : value.toFixed(digits);
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  // A pipe would split the cell.
  return value.replace(/\|/g, "\\|");
}

export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  digits = 2,
): string {
  if (headers.length === 0) throw new Error("markdownTable needs headers");
  const lines = [`| ${headers.join(" | ")} |`, `| ${headers.map(() => "---").join(" | ")} |`];
  for (const row of rows) {
    if (row.length !== headers.length) {
      throw new Error(`markdownTable row has ${row.length} cells, expected ${headers.length}`);
    }
    lines.push(`| ${row.map((c) => formatCell(c, digits)).join(" | ")} |`);
  }
  return lines.join("\n");
}
