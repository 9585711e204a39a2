// Reads `Authorization: Bearer <token>`; both the API-key and the admin checks start here.

/** The token, `undefined` when no Authorization header was sent, `null` when it is not a Bearer one. */
export function bearerToken(header: string | undefined): string | undefined | null {
  if (header === undefined || header.trim() === "") return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** Compares two secrets in time independent of where they differ, by comparing their SHA-256 digests. */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [left, right] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  const x = new Uint8Array(left);
  const y = new Uint8Array(right);
  let difference = 0;
  for (let i = 0; i < x.length; i++) difference |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return difference === 0;
}
