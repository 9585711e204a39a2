// The admin API's key management (`/admin/keys`): create (the plaintext key is in this answer only),
// list, change limits, revoke. Authenticated by the operator's admin token, never by an API key.
import { readJson } from "../core/read-json.js";
import type { RequestOptions, Transport } from "../core/transport.js";
import type {
  CreateKeyParams,
  CreateKeyResponse,
  KeyListResponse,
  KeyRecord,
  UpdateKeyParams,
} from "../types.js";

export async function createKey(
  transport: Transport,
  params: CreateKeyParams,
  options?: RequestOptions,
): Promise<CreateKeyResponse> {
  const response = await transport.request({ method: "POST", path: "/admin/keys", body: params }, options);
  return readJson<CreateKeyResponse>(response);
}

export async function listKeys(transport: Transport, options?: RequestOptions): Promise<KeyListResponse> {
  return readJson<KeyListResponse>(await transport.request({ method: "GET", path: "/admin/keys" }, options));
}

export async function updateKey(
  transport: Transport,
  id: string,
  params: UpdateKeyParams,
  options?: RequestOptions,
): Promise<KeyRecord> {
  const response = await transport.request({ method: "PATCH", path: keyPath(id), body: params }, options);
  return readJson<KeyRecord>(response);
}

export async function revokeKey(
  transport: Transport,
  id: string,
  options?: RequestOptions,
): Promise<KeyRecord> {
  return readJson<KeyRecord>(await transport.request({ method: "DELETE", path: keyPath(id) }, options));
}

function keyPath(id: string) {
  return `/admin/keys/${encodeURIComponent(id)}` as const;
}
