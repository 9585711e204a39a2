// @tinyscale/shared: the public API contract (schemas, routes, errors, OpenAPI) and the pieces every
// part must compute the same way (planner, request signing, candidate noise, credits).
export * from "./credits.js";
export * from "./errors.js";
export * from "./lru-cache.js";
export * from "./noise.js";
export * from "./openapi.js";
export * from "./planner.js";
export * from "./round-ms.js";
export * from "./routes/index.js";
export * from "./schemas/common.js";
export * from "./schemas/error-body.js";
export * from "./schemas/generate.js";
export * from "./schemas/keys.js";
export * from "./schemas/models.js";
export * from "./schemas/plan.js";
export * from "./schemas/profile.js";
export * from "./schemas/usage.js";
export * from "./signing.js";
export * from "./validation.js";
