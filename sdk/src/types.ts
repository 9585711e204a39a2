// Public request and response types, named after the generated OpenAPI components so they follow
// shared/openapi.json automatically (src/generated/ is never edited by hand).
import type { components } from "./generated/openapi.js";

type Schemas = components["schemas"];

export type ErrorCode = Schemas["ErrorCode"];
export type Verifier = Schemas["Verifier"];
export type OutputFormat = Schemas["OutputFormat"];
export type MimeType = Schemas["MimeType"];
export type Candidate = Schemas["Candidate"];
export type Timings = Schemas["Timings"];
export type Usage = Schemas["Usage"];
export type GenerateRequest = Schemas["GenerateRequest"];
/** What `client.generate()` takes: the request minus `response_format`, which the SDK chooses. */
export type GenerateParams = Omit<GenerateRequest, "response_format">;
export type GenerateResponse = Schemas["GenerateResponse"];
/** The `X-Tinyscale-Metadata` header of a `response_format: "bytes"` answer: the response minus the image data. */
export type GenerateMetadata = Omit<GenerateResponse, "image"> & {
  image: Omit<Schemas["Image"], "b64_json">;
};
export type PlanParams = Schemas["PlanRequest"];
export type PlanResponse = Schemas["PlanResponse"];
export type UsageResponse = Schemas["UsageResponse"];
export type ModelsResponse = Schemas["ModelsResponse"];
export type Model = Schemas["Model"];
export type CreateKeyParams = Schemas["CreateKeyRequest"];
export type CreateKeyResponse = Schemas["CreateKeyResponse"];
export type KeyRecord = Schemas["KeyRecord"];
export type KeyListResponse = Schemas["KeyListResponse"];
export type UpdateKeyParams = Schemas["UpdateKeyRequest"];
