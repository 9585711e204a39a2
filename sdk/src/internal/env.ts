// Reads configuration from the environment where there is one (Node, Bun, Deno with compat) and nothing
// elsewhere: `process` is looked up on globalThis so browsers and Workers never touch a Node built-in.
export function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}
