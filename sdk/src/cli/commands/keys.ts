// `tinyscale keys list | create | revoke`: the admin API from the shell, with the admin token from
// --admin-token, TINYSCALE_ADMIN_TOKEN or .tinyscale/local.json. The plaintext key is printed once, at creation.
import type { TinyscaleAdmin } from "../../admin.js";
import type { CreateKeyParams, KeyRecord } from "../../types.js";
import { renderTable } from "../table.js";

export async function runKeysList(
  admin: TinyscaleAdmin,
  input: { json: boolean },
  signal: AbortSignal,
): Promise<void> {
  const keys = await admin.listKeys({ signal });
  if (input.json) return print(JSON.stringify(keys, null, 2));
  print(
    renderTable(
      ["id", "name", "prefix", "rpm", "burst", "conc", "quota", "state"],
      keys.data.map(keyRow),
      new Set([3, 4, 5, 6]),
    ),
  );
}

export async function runKeysCreate(
  admin: TinyscaleAdmin,
  input: { params: CreateKeyParams; json: boolean },
  signal: AbortSignal,
): Promise<void> {
  const created = await admin.createKey(input.params, { signal });
  if (input.json) return print(JSON.stringify(created, null, 2));
  print(
    [
      `created ${created.id} "${created.name}" (${created.environment}; ${created.rpm}/min, burst ${created.burst}, ` +
        `${created.max_concurrent} concurrent, ${created.credits_quota} credits per ${created.period})`,
      "key (shown once, store it now):",
      created.key,
    ].join("\n"),
  );
}

export async function runKeysRevoke(
  admin: TinyscaleAdmin,
  input: { id: string; json: boolean },
  signal: AbortSignal,
): Promise<void> {
  const revoked = await admin.revokeKey(input.id, { signal });
  if (input.json) return print(JSON.stringify(revoked, null, 2));
  print(`revoked ${revoked.id} "${revoked.name}" at ${revoked.revoked_at}`);
}

function keyRow(key: KeyRecord): string[] {
  const state =
    key.revoked_at !== null ? "revoked" : key.expires_at !== null ? `expires ${key.expires_at}` : "active";
  return [
    key.id,
    key.name,
    key.prefix,
    String(key.rpm),
    String(key.burst),
    String(key.max_concurrent),
    `${key.credits_quota}/${key.period}`,
    state,
  ];
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}
