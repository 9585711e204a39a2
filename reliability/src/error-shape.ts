// What "a 4xx from shared's code set" means, checked the same way for every route: the status is a
// 4xx, the body is shared's error shape, and its code maps to exactly that status in ERROR_CODES.
import { ERROR_CODES, ErrorBodySchema, type ErrorCode, isErrorCode } from "@tinyscale/shared";
import type { Exchange } from "./http-call.js";

export interface ErrorVerdict {
  ok: boolean;
  code: ErrorCode | null;
  why: string;
}

/** Whether `exchange` is a typed error whose code belongs to shared's set and matches its status. */
export function typedError(exchange: Exchange): ErrorVerdict {
  let body: unknown;
  try {
    body = JSON.parse(exchange.text);
  } catch {
    return {
      ok: false,
      code: null,
      why: `status ${exchange.status}, body is not JSON: ${exchange.text.slice(0, 120)}`,
    };
  }
  const parsed = ErrorBodySchema.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      code: null,
      why: `status ${exchange.status}, not the error shape: ${exchange.text.slice(0, 160)}`,
    };
  }
  const code = parsed.data.error.code;
  if (!isErrorCode(code) || ERROR_CODES[code] !== exchange.status) {
    return { ok: false, code, why: `code ${code} does not map to status ${exchange.status}` };
  }
  return { ok: true, code, why: "" };
}

/** A 4xx with shared's error shape, or a description of what it was instead. */
export function clientError(exchange: Exchange): ErrorVerdict {
  const verdict = typedError(exchange);
  if (exchange.status < 400 || exchange.status >= 500) {
    return {
      ok: false,
      code: verdict.code,
      why: `expected a 4xx, got ${exchange.status}: ${exchange.text.slice(0, 160)}`,
    };
  }
  return verdict;
}
