// Base64 → bytes with the web platform's `atob`, available in Node ≥ 16, browsers and Workers alike
// (Buffer would tie the client to Node).
export function base64ToBytes(b64: string): Uint8Array {
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
