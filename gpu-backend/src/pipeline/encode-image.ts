// Last stage: the winner's pixels (one row of a uint8 [batch, H, W, 3] tensor) → encoded image bytes.

import { encodeRgb, MIME_TYPES } from "../image/encode-image.js";
import type { HostTensor } from "../onnx/session.js";
import { sliceBatch } from "./tensors.js";
import type { JobTrace } from "./trace.js";
import type { OutputFormat } from "./types.js";

export interface EncodedImage {
  bytes: Uint8Array;
  mimeType: string;
  width: number;
  height: number;
}

export async function encodeImage(
  images: HostTensor,
  row: number,
  format: OutputFormat,
  trace: JobTrace,
): Promise<EncodedImage> {
  const [, height = 0, width = 0, channels] = images.dims;
  if (channels !== 3 || !(images.data instanceof Uint8Array)) {
    throw new Error(
      `image tensor must be uint8 [batch, H, W, 3], got ${images.dtype} [${images.dims.join(", ")}]`,
    );
  }
  const pixels = sliceBatch(images, row, 1).data as Uint8Array;
  const bytes = await trace.time("image_encode", 1, () => encodeRgb(pixels, width, height, format));
  return { bytes, mimeType: MIME_TYPES[format], width, height };
}
