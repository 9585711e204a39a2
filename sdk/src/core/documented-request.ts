// The requests the SDK may send, derived from the generated OpenAPI types: a method and path pair that
// the document does not list (a typo, a removed route) fails to type-check, so the SDK cannot call a
// route the server does not serve.
import type { paths } from "../generated/openapi.js";

type Method = "GET" | "POST" | "PATCH" | "DELETE";

/** `/admin/keys/{id}` → `` `/admin/keys/${string}` ``: a template with its parameters filled in. */
type Filled<P extends string> = P extends `${infer Head}{${string}}${infer Tail}`
  ? `${Head}${string}${Filled<Tail>}`
  : P;

/** Every `{ method, path }` the document lists, path parameters filled in. */
export type DocumentedRequest = {
  [P in keyof paths & string]: {
    [M in Method]: [NonNullable<paths[P][Lowercase<M>]>] extends [never]
      ? never
      : { method: M; path: Filled<P> };
  }[Method];
}[keyof paths & string];
