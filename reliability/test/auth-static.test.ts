// Keys and secrets are compared in constant time: a static check of the code paths that compare them (the
// edge looks keys up by SHA-256, the admin token goes through a digest-then-XOR comparison, the backend's bearer
// token through SHA-256 digests and node:crypto's timingSafeEqual, signatures through WebCrypto's HMAC verify)
// plus a timing check of shared's comparison function.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { timingSafeEqual } from "@tinyscale/shared";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/paths.js";
import { writeSection } from "../src/results.js";

const read = (path: string) => readFileSync(join(REPO_ROOT, path), "utf8");
const SECRET_NAME = /(token|secret|signature|apikey|api_key|\bkey\b|hash|mac|password)/i;
const HARMLESS = /^(null|undefined|""|''|``|\d+|true|false|"[a-z_]+")$/;

/** `a === b` comparisons in `source` where a side names a secret and the other is not a constant. */
function plainSecretComparisons(file: string, source: string): string[] {
  const found: string[] = [];
  source.split("\n").forEach((line, index) => {
    if (line.trim().startsWith("//")) return;
    for (const match of line.matchAll(/([\w.$?"[\]()]+)\s*(===|!==|==|!=)\s*([\w.$?"[\]()]+)/g)) {
      const trim = (side: string) => side.replace(/^[(!]+|[)?]+$/g, "");
      const left = trim(match[1] ?? "");
      const right = trim(match[3] ?? "");
      if (HARMLESS.test(left) || HARMLESS.test(right)) continue;
      if (/^typeof\b/.test(left) || left.endsWith(".length") || right.endsWith(".length")) continue;
      if (SECRET_NAME.test(left) || SECRET_NAME.test(right))
        found.push(`${file}:${index + 1}: ${line.trim()}`);
    }
  });
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir))
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
    .map((name) => `${dir}/${name}`);
}

const AUTH_FILES = [
  ...sources("edge/src/middleware"),
  ...sources("edge/src/keys"),
  ...sources("gpu-backend/src/auth"),
  "shared/src/signing.ts",
];

describe("static: every secret comparison goes through a constant-time path", () => {
  it("no plain ===/!== between a secret and a non-constant in the auth code", () => {
    const offenders = AUTH_FILES.flatMap((file) => plainSecretComparisons(file, read(file)));
    expect(offenders).toEqual([]);
  });

  it("edge API keys: SHA-256 of the presented key, looked up by hash (the plaintext is never compared)", () => {
    const auth = read("edge/src/middleware/api-key-auth.ts");
    expect(auth).toMatch(/findByHash\(\s*await sha256Hex\(token\)\s*\)/);
    expect(read("edge/src/keys/key-store.ts")).toMatch(/WHERE hash = \?/);
  });

  it("edge admin token: compared with shared's timingSafeEqual (digest, then a full XOR)", () => {
    const admin = read("edge/src/middleware/admin-auth.ts");
    expect(admin).toMatch(/timingSafeEqual\(token, /);
  });

  it("backend: HMAC checked by shared's verifySignature (WebCrypto verify), bearer token by SHA-256 digests and node:crypto's timingSafeEqual", () => {
    const auth = read("gpu-backend/src/auth/authenticate.ts");
    expect(auth).toMatch(/from "@tinyscale\/shared"/);
    expect(auth).toMatch(/await verifySignature\(signingSecret,/);
    expect(auth).toMatch(/tokenMatcher\(backendToken\)/);
    expect(auth).toMatch(/tokenMatches\(match\[1\]\.trim\(\)\)/);
    const matcher = read("gpu-backend/src/auth/token-matcher.ts");
    expect(matcher).toMatch(/import \{ createHash, timingSafeEqual \} from "node:crypto"/);
    expect(matcher).toMatch(/timingSafeEqual\(sha256\(presented\), expectedDigest\)/);
    const signing = read("shared/src/signing.ts");
    expect(signing).toMatch(/crypto\.subtle\.verify\("HMAC"/);
  });
});

/**
 * Median ns of `compare(secret, guess)` per guess, the guesses measured round-robin (one call each per
 * round) so that background load on a shared CI machine hits them all alike.
 */
async function interleavedMediansNs(
  compare: (a: string, b: string) => Promise<boolean>,
  secret: string,
  guesses: string[],
  rounds: number,
): Promise<number[]> {
  const samples: number[][] = guesses.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, guess] of guesses.entries()) {
      const start = process.hrtime.bigint();
      await compare(secret, guess);
      samples[i]?.push(Number(process.hrtime.bigint() - start));
    }
  }
  return samples.map((values) => {
    const sorted = values.sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  });
}

describe("behavior: comparison time does not depend on how much of the secret a guess gets right", () => {
  const secret = `ts_live_${"k".repeat(32)}`;
  const guesses = {
    all_but_last: `${secret.slice(0, -1)}x`,
    first_differs: `x${secret.slice(1)}`,
    shorter: secret.slice(0, 10),
    longer: `${secret}${"z".repeat(40)}`,
  };
  const ratios: Record<string, number> = {};

  for (const [name, compare] of [["shared timingSafeEqual", timingSafeEqual]] as const) {
    it(`${name}: right answers, and medians within 1.5× of each other`, async () => {
      expect(await compare(secret, secret)).toBe(true);
      for (const guess of Object.values(guesses)) expect(await compare(secret, guess)).toBe(false);
      await interleavedMediansNs(compare, secret, [secret], 200); // warm-up
      const medians = await interleavedMediansNs(compare, secret, Object.values(guesses), 1500);
      const ratio = Math.max(...medians) / Math.min(...medians);
      ratios[name] = Math.round(ratio * 100) / 100;
      writeSection("auth-static", { timing_ratio_max_over_min: ratios });
      expect(ratio).toBeLessThan(1.5);
    });
  }
});
