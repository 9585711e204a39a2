// Reads `Authorization: Bearer <token>`; both the API-key and the admin checks start here.

/** The token, `undefined` when no Authorization header was sent, `null` when it is not a Bearer one. */
export function bearerToken(header: string | undefined): string | undefined | null {
  if (header === undefined || header.trim() === "") return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
