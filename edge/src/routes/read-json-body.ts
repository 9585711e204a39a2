// Reads a request body within the size limit and validates it with a shared zod schema (shared's
// parseRequestBody), so every route answers 413 payload_too_large, 400 invalid_json or 400
// invalid_request the same way, and with the backend's words.
import { parseRequestBody, TinyscaleError } from "@tinyscale/shared";
import type { Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../app-env.js";

export interface JsonBody<T> {
  value: T;
  raw: Uint8Array;
}

/**
 * The request's body, read once: a second call (the overload check reads it before the route) gets the
 * same bytes, or the same error.
 */
export function readRawBody(c: Context<AppEnv>): Promise<Uint8Array> {
  const read = c.get("rawBody");
  if (read) return read;
  const reading = readBodyOnce(c);
  c.set("rawBody", reading);
  return reading;
}

async function readBodyOnce(c: Context<AppEnv>): Promise<Uint8Array> {
  const limit = c.get("services").config.maxBodyBytes;
  const tooLarge = () => new TinyscaleError("payload_too_large", `the body may be at most ${limit} bytes`);
  const declared = Number(c.req.header("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const stream = c.req.raw.body;
  if (stream === null) return new Uint8Array(0);
  // Read chunk by chunk so a chunked body without Content-Length is cut off at the limit, not buffered.
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const raw = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    raw.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return raw;
}

export async function readJsonBody<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
): Promise<JsonBody<z.output<S>>> {
  const raw = await readRawBody(c);
  return { value: parseRequestBody(schema, raw), raw };
}
