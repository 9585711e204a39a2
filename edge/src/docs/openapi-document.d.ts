// shared/openapi.json, resolved at bundle time (esbuild alias in local/build-worker.ts, `alias` in
// wrangler.jsonc) so the Worker serves the committed contract byte for byte in meaning.
declare module "tinyscale-openapi-document" {
  const document: Record<string, unknown>;
  export default document;
}
