// Checks that bytes are the image the API said they were (signature and, for PNG, IHDR size) before
// the demo writes them, so "wrote out/x.png" means a file an image viewer will open.

export function checkImage(bytes: Uint8Array, mimeType: string, width: number, height: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const starts = (...signature: number[]) => signature.every((byte, i) => bytes[i] === byte);
  if (mimeType === "image/png") {
    if (!starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) throw new Error("not a PNG: bad signature");
    // IHDR is the first chunk: length(4) "IHDR"(4) width(4) height(4), big-endian.
    const size = bytes.length >= 24 ? [view.getUint32(16), view.getUint32(20)] : [0, 0];
    if (size[0] !== width || size[1] !== height) {
      throw new Error(`PNG is ${size[0]}x${size[1]}, the response said ${width}x${height}`);
    }
  } else if (mimeType === "image/jpeg") {
    if (!starts(0xff, 0xd8, 0xff)) throw new Error("not a JPEG: bad signature");
  } else if (mimeType === "image/webp") {
    if (!starts(0x52, 0x49, 0x46, 0x46) || String.fromCharCode(...bytes.subarray(8, 12)) !== "WEBP") {
      throw new Error("not a WebP: bad RIFF header");
    }
  } else {
    throw new Error(`unexpected image type ${mimeType}`);
  }
}

export function extensionFor(mimeType: string): string {
  return mimeType === "image/jpeg" ? "jpg" : mimeType.replace("image/", "");
}
