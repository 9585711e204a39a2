// Reads a request body as raw bytes (the signature covers the exact bytes) with a hard size limit:
// a declared Content-Length over the limit is refused before reading, a streamed body as soon as it passes it.

import { TinyscaleError } from "@tinyscale/shared";

function tooLarge(limit: number): TinyscaleError {
  return new TinyscaleError("payload_too_large", `request body exceeds ${limit} bytes`);
}

export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
