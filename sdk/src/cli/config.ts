// Where the CLI finds its endpoint and credentials: flags, then TINYSCALE_* environment variables, then the
// `.tinyscale/local.json` that `npm start` writes for the local stack (searched from the cwd upwards).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The file the local stack writes: where the edge and backend listen, a ready API key and the admin token. */
export interface LocalStackFile {
  edge_url?: string;
  backend_url?: string;
  api_key?: string;
  admin_token?: string;
}

export interface CliConnection {
  baseURL: string | undefined;
  apiKey: string | undefined;
  adminToken: string | undefined;
  /** The local.json that filled a missing value, if one did (named in error messages). */
  localFile: string | undefined;
}

export function findLocalStackFile(from: string = process.cwd()): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, ".tinyscale", "local.json");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

export function readLocalStackFile(path: string): LocalStackFile {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    if (typeof parsed !== "object" || parsed === null) throw new Error("not a JSON object");
    const field = (name: keyof LocalStackFile): string | undefined => {
      const value = (parsed as Record<string, unknown>)[name];
      return typeof value === "string" && value !== "" ? value : undefined;
    };
    const file: LocalStackFile = {};
    for (const name of ["edge_url", "backend_url", "api_key", "admin_token"] as const) {
      const value = field(name);
      if (value !== undefined) file[name] = value;
    }
    return file;
  } catch (cause) {
    throw new Error(`cannot read ${path}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export function resolveConnection(
  flags: { baseURL?: string | undefined; apiKey?: string | undefined; adminToken?: string | undefined },
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): CliConnection {
  const envBase = nonEmpty(env.TINYSCALE_BASE_URL);
  const envKey = nonEmpty(env.TINYSCALE_API_KEY);
  const envAdmin = nonEmpty(env.TINYSCALE_ADMIN_TOKEN);
  const needFile =
    (flags.baseURL ?? envBase) === undefined ||
    (flags.apiKey ?? envKey) === undefined ||
    (flags.adminToken ?? envAdmin) === undefined;
  const path = needFile ? findLocalStackFile(cwd) : undefined;
  const file = path === undefined ? {} : readLocalStackFile(path);
  return {
    baseURL: flags.baseURL ?? envBase ?? file.edge_url,
    apiKey: flags.apiKey ?? envKey ?? file.api_key,
    adminToken: flags.adminToken ?? envAdmin ?? file.admin_token,
    localFile: path,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
