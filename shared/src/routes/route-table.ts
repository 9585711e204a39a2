// Questions a server answers from its route table: the Hono path of a route object, which methods a
// path serves (the `Allow` header of a 405, RFC 9110 §15.5.6) and whether a path exists at all.

/** What a route object contributes to the table: its method and its OpenAPI path template. */
export interface RouteShape {
  readonly method: string;
  readonly path: string;
}

/** An OpenAPI path template in Hono's syntax, as a type: handlers keep their typed path parameters. */
export type HonoPath<P extends string> = P extends `${infer Head}{${infer Name}}${infer Tail}`
  ? `${Head}:${Name}${HonoPath<Tail>}`
  : P;

/** `/admin/keys/{id}` → `/admin/keys/:id`: the OpenAPI template in Hono's syntax. */
export function honoPath<P extends string>(route: { readonly path: P }): HonoPath<P> {
  return route.path.replace(/\{([^}/]+)\}/g, ":$1") as HonoPath<P>;
}

/** `METHOD /path` in Hono's syntax, the key both servers' route walks compare. */
export function routeKey(route: RouteShape): string {
  return `${route.method.toUpperCase()} ${honoPath(route)}`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, "\\$&");

function templateMatches(template: string, path: string): boolean {
  const pattern = template
    .split(/(\{[^}/]+\})/)
    .map((part) => (part.startsWith("{") ? "[^/]+" : escapeRegExp(part)))
    .join("");
  return new RegExp(`^${pattern}$`).test(path);
}

/**
 * The methods served on `path`, upper case and sorted: every route's method, HEAD wherever GET is
 * served (Hono answers HEAD with the GET handler), and `extra` (e.g. OPTIONS where CORS answers it).
 * Empty when no route has this path.
 */
export function allowedMethods(
  routes: readonly RouteShape[],
  path: string,
  extra: readonly string[] = [],
): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (!templateMatches(route.path, path)) continue;
    const method = route.method.toUpperCase();
    methods.add(method);
    if (method === "GET") methods.add("HEAD");
  }
  if (methods.size === 0) return [];
  for (const method of extra) methods.add(method.toUpperCase());
  return [...methods].sort();
}
