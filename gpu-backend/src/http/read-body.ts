// Reads a request body as raw bytes (the signature covers the exact bytes) with a hard size limit.
// An oversized body is still read and discarded up to a cap before the 413 goes out: answering and
// closing while the client is still sending makes its TCP stack drop our answer (connection reset).

import { TinyscaleError } from "@tinyscale/shared";

/** Beyond this many bytes an oversized body is no longer drained: the connection is simply dropped. */
const DRAIN_CAP_BYTES = 16 * 1024 * 1024;

function tooLarge(limit: number): TinyscaleError {
  return new TinyscaleError("payload_too_large", `request body exceeds ${limit} bytes`);
}

export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  let oversized = Number.isFinite(declared) && declared > limit;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) oversized = true;
    if (oversized) {
      chunks.length = 0; // discard: only draining from here on
      if (size > DRAIN_CAP_BYTES) {
        await reader.cancel();
        break;
      }
      continue;
    }
    chunks.push(value);
  }
  if (oversized) throw tooLarge(limit);
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
