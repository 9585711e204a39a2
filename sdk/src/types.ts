// Public request and response types, derived from the generated OpenAPI components so they follow
// shared/openapi.json automatically (src/generated/ is never edited by hand).
import type { components } from "./generated/openapi.js";

type Schemas = components["schemas"];
/** Fields the server fills with a default are optional to send, however the document marks them. */
type WithOptional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

export type GenerateRequest = WithOptional<
  Schemas["GenerateRequest"],
  "verifier" | "output_format" | "response_format"
>;
/** What `client.generate()` takes: the request minus `response_format`, which the SDK chooses. */
export type GenerateParams = Omit<GenerateRequest, "response_format">;
export type GenerateResponse = Schemas["GenerateResponse"];
/** The `X-Tinyscale-Metadata` header of a `response_format: "bytes"` answer: the response minus the image data. */
export type GenerateMetadata = Omit<GenerateResponse, "image"> & {
  image: Omit<GenerateResponse["image"], "b64_json">;
};
export type Verifier = NonNullable<GenerateRequest["verifier"]>;
export type OutputFormat = NonNullable<GenerateRequest["output_format"]>;
export type MimeType = GenerateResponse["image"]["mime_type"];
export type Candidate = GenerateResponse["candidates"][number];
export type Timings = GenerateResponse["timings"];
export type Usage = GenerateResponse["usage"];
export type ErrorCode = Schemas["ErrorBody"]["error"]["code"];
export type PlanParams = WithOptional<Schemas["PlanRequest"], "verifier">;
export type PlanResponse = Schemas["PlanResponse"];
export type UsageResponse = Schemas["UsageResponse"];
export type ModelsResponse = Schemas["ModelsResponse"];
export type Model = ModelsResponse["data"][number];
export type CreateKeyParams = WithOptional<Schemas["CreateKeyRequest"], "environment">;
export type CreateKeyResponse = Schemas["CreateKeyResponse"];
export type KeyRecord = Schemas["KeyRecord"];
export type KeyListResponse = Schemas["KeyListResponse"];
export type UpdateKeyParams = Schemas["UpdateKeyRequest"];
