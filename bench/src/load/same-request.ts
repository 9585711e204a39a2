// Does a request get under load what it gets alone? The same explicit-n request with the same seed is
// sent to an idle backend and again while other clients keep it busy; winner, scores and pixels compared.

import { pixelDifference } from "@tinyscale/gpu-backend/internals";
import type { GenerateResponse } from "@tinyscale/shared";
import sharp from "sharp";
import { closedLoop } from "./closed-loop.js";

export interface SameRequestResult {
  same_winner: boolean;
  same_seeds: boolean;
  max_score_diff: number;
  /** Share of pixel values that differ at all, and the largest difference (levels of 255). */
  pixels_differing_share: number;
  max_pixel_diff: number;
  byte_identical_png: boolean;
  /** Requests in flight beside it (from the other clients) when it was sent. */
  concurrent_clients: number;
}

async function send(url: string, headers: Record<string, string>, body: unknown): Promise<GenerateResponse> {
  const response = await fetch(url, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 200)
    throw new Error(`same-request probe answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as GenerateResponse;
}

const raw = async (r: GenerateResponse) =>
  new Uint8Array(
    await sharp(Buffer.from(r.image.b64_json ?? "", "base64"))
      .raw()
      .toBuffer(),
  );

export async function sameRequestUnderLoad(
  url: string,
  headers: Record<string, string>,
  clients: number,
): Promise<SameRequestResult> {
  const probe = { prompt: "a lighthouse at dusk, oil painting", n: 8, seed: 20261130 };
  const alone = await send(url, headers, probe);
  const background = closedLoop({
    url,
    headers,
    concurrency: clients,
    durationMs: 2_500,
    body: (c, i) => ({
      prompt: `busy harbour ${c % 5}`,
      budget_ms: 400,
      seed: c * 10_000 + i,
      response_format: "bytes",
    }),
  });
  await new Promise((resolve) => setTimeout(resolve, 800));
  const loaded = await send(url, headers, probe);
  await background;
  const [a, b] = await Promise.all([raw(alone), raw(loaded)]);
  const difference = pixelDifference(a, b);
  return {
    same_winner: alone.chosen_index === loaded.chosen_index,
    same_seeds: alone.candidates.every((c, i) => loaded.candidates[i]?.seed === c.seed),
    max_score_diff: Math.max(
      ...alone.candidates.map((c, i) => Math.abs(c.score - (loaded.candidates[i]?.score ?? Number.NaN))),
    ),
    pixels_differing_share: difference.share,
    max_pixel_diff: difference.worst,
    byte_identical_png: alone.image.b64_json === loaded.image.b64_json,
    concurrent_clients: clients,
  };
}
