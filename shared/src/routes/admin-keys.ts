// The admin key routes behind the operator's admin token: create (plaintext shown once), list,
// change limits/quota/expiry, revoke.
import { createRoute } from "@hono/zod-openapi";
import {
  CreateKeyRequestSchema,
  CreateKeyResponseSchema,
  KeyIdParamSchema,
  KeyListResponseSchema,
  KeyRecordSchema,
  UpdateKeyRequestSchema,
} from "../schemas/keys.js";
import { ADMIN_ERRORS, errorResponses, REQUEST_ID_HEADERS } from "./responses.js";
import { ADMIN_TOKEN_SECURITY } from "./security.js";

const adminSecurity = [{ [ADMIN_TOKEN_SECURITY]: [] }];
const keyRecordResponse = (description: string) => ({
  description,
  headers: REQUEST_ID_HEADERS,
  content: { "application/json": { schema: KeyRecordSchema } },
});

export const createKeyRoute = createRoute({
  method: "post",
  path: "/admin/keys",
  operationId: "createKey",
  tags: ["admin"],
  summary: "Create an API key; the response is the only time its plaintext is shown",
  security: adminSecurity,
  request: { body: { required: true, content: { "application/json": { schema: CreateKeyRequestSchema } } } },
  responses: {
    201: {
      description: "The new key, with its plaintext.",
      headers: REQUEST_ID_HEADERS,
      content: { "application/json": { schema: CreateKeyResponseSchema } },
    },
    ...errorResponses(ADMIN_ERRORS),
  },
});

export const listKeysRoute = createRoute({
  method: "get",
  path: "/admin/keys",
  operationId: "listKeys",
  tags: ["admin"],
  summary: "List API keys (never their plaintext)",
  security: adminSecurity,
  responses: {
    200: {
      description: "Every key.",
      headers: REQUEST_ID_HEADERS,
      content: { "application/json": { schema: KeyListResponseSchema } },
    },
    ...errorResponses(ADMIN_ERRORS),
  },
});

export const updateKeyRoute = createRoute({
  method: "patch",
  path: "/admin/keys/{id}",
  operationId: "updateKey",
  tags: ["admin"],
  summary: "Change a key's name, limits, quota or expiry; a revoked key cannot be changed (409)",
  security: adminSecurity,
  request: {
    params: KeyIdParamSchema,
    body: { required: true, content: { "application/json": { schema: UpdateKeyRequestSchema } } },
  },
  responses: {
    200: keyRecordResponse("The key after the change."),
    ...errorResponses([...ADMIN_ERRORS, 404, 409]),
  },
});

export const revokeKeyRoute = createRoute({
  method: "delete",
  path: "/admin/keys/{id}",
  operationId: "revokeKey",
  tags: ["admin"],
  summary:
    "Revoke a key: its next request is refused and it can no longer be changed. Revoking again " +
    "answers the same record with the first `revoked_at`.",
  security: adminSecurity,
  request: { params: KeyIdParamSchema },
  responses: {
    200: keyRecordResponse("The revoked key (`revoked_at` set)."),
    ...errorResponses([...ADMIN_ERRORS, 404]),
  },
});
