// The one error body every failing response carries, with its code from the closed set in errors.ts.
import { z } from "@hono/zod-openapi";
import { ERROR_CODE_LIST } from "../errors.js";

export const ErrorCodeSchema = z.enum(ERROR_CODE_LIST).openapi("ErrorCode");

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: ErrorCodeSchema,
      message: z.string().openapi({ description: "For people; may change between releases." }),
      request_id: z.string().openapi({ description: "Same as the `X-Request-Id` response header." }),
    }),
  })
  .openapi("ErrorBody");
