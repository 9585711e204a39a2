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

/** One row of a uint8 [batch, H, W, 3] image tensor as its own RGB pixels. */
export function rawPixels(
  images: HostTensor,
  row: number,
): { data: Uint8Array; width: number; height: number } {
  const [, height = 0, width = 0, channels] = images.dims;
  if (channels !== 3 || !(images.data instanceof Uint8Array)) {
    throw new Error(
      `image tensor must be uint8 [batch, H, W, 3], got ${images.dtype} [${images.dims.join(", ")}]`,
    );
  }
  return { data: sliceBatch(images, row, 1).data as Uint8Array, width, height };
}

export async function encodeImage(
  images: HostTensor,
  row: number,
  format: OutputFormat,
  trace: JobTrace,
): Promise<EncodedImage> {
  const { data, width, height } = rawPixels(images, row);
  const bytes = await trace.time("image_encode", 1, () => encodeRgb(data, width, height, format));
  return { bytes, mimeType: MIME_TYPES[format], width, height };
}
