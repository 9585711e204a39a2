// Applies edge/migrations/*.sql to a local D1 database in order, recording each in d1_migrations
// (the table wrangler uses), so a fresh local edge has the same schema as production.
import { readdirSync, readFileSync } from "node:fs";
import type { Miniflare } from "miniflare";
import { EDGE_PATHS } from "./paths.js";

type D1Database = Awaited<ReturnType<Miniflare["getD1Database"]>>;

/** Splits a migration into statements: our migrations keep one statement per `;`-terminated block. */
function statements(sql: string): string[] {
  return sql
    .split("\n")
    .filter((line) => !line.trim().startsWith("--"))
    .join("\n")
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

export async function applyMigrations(
  db: D1Database,
  directory: string = EDGE_PATHS.migrations,
): Promise<string[]> {
  await db
    .prepare(
      "CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)",
    )
    .run();
  const applied = new Set(
    (await db.prepare("SELECT name FROM d1_migrations").all<{ name: string }>()).results.map(
      (row: { name: string }) => row.name,
    ),
  );
  const files = readdirSync(directory)
    .filter((name) => name.endsWith(".sql"))
    .sort();
  const ran: string[] = [];
  for (const file of files) {
    if (applied.has(file)) continue;
    const sql = readFileSync(`${directory}/${file}`, "utf8");
    await db.batch([
      ...statements(sql).map((statement) => db.prepare(statement)),
      db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").bind(file),
    ]);
    ran.push(file);
  }
  return ran;
}
