// Raw uint8 RGB pixels → PNG / WebP / JPEG bytes with sharp. Encoder settings are fixed so the same
// pixels always give the same bytes (the determinism tests compare images byte for byte).

import type { OutputFormat } from "@tinyscale/shared";
import sharp from "sharp";

export const MIME_TYPES: Record<OutputFormat, string> = {
  png: "image/png",
  webp: "image/webp",
  jpeg: "image/jpeg",
};

export async function encodeRgb(
  pixels: Uint8Array,
  width: number,
  height: number,
  format: OutputFormat,
): Promise<Uint8Array> {
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  const encoded =
    format === "png"
      ? image.png({ compressionLevel: 6 })
      : format === "webp"
        ? image.webp({ quality: 90 })
        : image.jpeg({ quality: 90 });
  const buffer = await encoded.toBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
