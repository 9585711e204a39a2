// The `tinyscale` command: parses argv, builds a client from flags / env / .tinyscale/local.json, runs one
// command, and turns every failure into one readable line on stderr plus a non-zero exit status.
import { TinyscaleAdmin } from "../admin.js";
import { Tinyscale } from "../client.js";
import { APIConnectionError, APIError, APIUserAbortError, TinyscaleError } from "../core/errors.js";
import { DEFAULT_BASE_URL } from "../core/options.js";
import type { RetryEvent } from "../core/transport.js";
import { parseCommandLine, UsageError } from "./args.js";
import { runGenerate } from "./commands/generate.js";
import { runModels, runPlan, runUsage } from "./commands/info.js";
import { runKeysCreate, runKeysList, runKeysRevoke } from "./commands/keys.js";
import { type CliConnection, resolveConnection } from "./config.js";
import { HELP } from "./help.js";
import { printStatus } from "./progress.js";

declare const __SDK_VERSION__: string | undefined;

export async function main(argv: string[]): Promise<number> {
  let connection: CliConnection | undefined;
  const abort = new AbortController();
  const onSigint = (): void => abort.abort(new Error("interrupted"));
  process.once("SIGINT", onSigint);
  try {
    const { command, flags } = parseCommandLine(argv);
    if (command.name === "help") return print(HELP, 0);
    if (command.name === "version")
      return print(typeof __SDK_VERSION__ === "string" ? __SDK_VERSION__ : "dev", 0);
    connection = resolveConnection(flags);
    const common = {
      baseURL: connection.baseURL,
      timeout: flags.timeout,
      maxRetries: flags.maxRetries,
      onRetry: ({ retry, delayMs, error }: RetryEvent) =>
        printStatus(`retry ${retry} in ${(delayMs / 1000).toFixed(1)} s after: ${error.message}`),
    };
    const signal = abort.signal;
    const json = flags.json;
    if (command.name.startsWith("keys-")) {
      const admin = new TinyscaleAdmin({ ...common, adminToken: connection.adminToken });
      if (command.name === "keys-list") await runKeysList(admin, { json }, signal);
      else if (command.name === "keys-create") await runKeysCreate(admin, { ...command, json }, signal);
      else if (command.name === "keys-revoke") await runKeysRevoke(admin, { ...command, json }, signal);
      return 0;
    }
    const client = new Tinyscale({ ...common, apiKey: connection.apiKey });
    if (command.name === "generate") await runGenerate(client, { ...command, json }, signal);
    else if (command.name === "plan") await runPlan(client, { ...command, json }, signal);
    else if (command.name === "usage") await runUsage(client, { json }, signal);
    else if (command.name === "models") await runModels(client, { json }, signal);
    return 0;
  } catch (error) {
    return report(error, connection);
  } finally {
    process.off("SIGINT", onSigint);
  }
}

function report(error: unknown, connection: CliConnection | undefined): number {
  if (error instanceof UsageError || isParseArgsError(error)) {
    process.stderr.write(`tinyscale: ${(error as Error).message}\nRun "tinyscale --help" for usage.\n`);
    return 2;
  }
  if (error instanceof APIUserAbortError) {
    process.stderr.write("tinyscale: interrupted\n");
    return 130;
  }
  const where = connection?.baseURL ?? DEFAULT_BASE_URL;
  if (error instanceof APIConnectionError) {
    process.stderr.write(`tinyscale: cannot reach ${where}: ${error.message}\n`);
    process.stderr.write("  Is the stack running (npm start), or TINYSCALE_BASE_URL set?\n");
    return 1;
  }
  if (error instanceof APIError) {
    const id = error.requestId === null ? "" : ` (request ${error.requestId})`;
    process.stderr.write(`tinyscale: ${error.message}${id}\n`);
    if (error.status === 401 && connection?.localFile !== undefined) {
      process.stderr.write(
        `  The key came from ${connection.localFile}; restart the stack or set TINYSCALE_API_KEY.\n`,
      );
    }
    return 1;
  }
  if (error instanceof TinyscaleError) {
    process.stderr.write(`tinyscale: ${error.message}\n`);
    return 1;
  }
  process.stderr.write(`tinyscale: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

function isParseArgsError(error: unknown): boolean {
  return error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS");
}

function print(text: string, code: number): number {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  return code;
}

process.exitCode = await main(process.argv.slice(2));
