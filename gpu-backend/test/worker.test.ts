// Inference runs off the HTTP thread: the event loop stays responsive during a long generation, and a
// crashed worker fails only its in-flight request (retryably) and is replaced.

import { monitorEventLoopDelay } from "node:perf_hooks";
import { INTERNAL_ERROR_MESSAGE } from "@tinyscale/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate, metricValue, startTestBackend, type TestBackend } from "./helpers.js";

let backend: TestBackend;

beforeAll(async () => {
  // Default max batch (16): one clip batch finishes and decodes 16 images in a single run of a few hundred
  // ms, so a run on the HTTP thread would show up as a loop stall far above the bound checked below.
  backend = await startTestBackend();
});
afterAll(async () => {
  await backend?.close();
});

describe("worker thread", () => {
  it("keeps the HTTP event loop responsive while a long generation runs", async () => {
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    const started = Date.now();
    histogram.enable();
    // Three 64-candidate clip requests back to back: seconds of inference on a 2-core machine.
    const long = Promise.all(
      [1, 2, 3].map((seed) =>
        generate(backend, { prompt: "a long generation", n: 64, verifier: "clip", seed }),
      ),
    );
    // While it runs, the HTTP thread answers other requests promptly.
    let probes = 0;
    let worstProbeMs = 0;
    let done = false;
    void long.then(() => {
      done = true;
    });
    while (!done) {
      const t = Date.now();
      const health = await fetch(`${backend.url}/healthz`);
      await health.arrayBuffer();
      worstProbeMs = Math.max(worstProbeMs, Date.now() - t);
      probes++;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    histogram.disable();
    const responses = await long;
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const elapsed = Date.now() - started;
    const ms = (ns: number) => ns / 1e6;
    // A stall would last at least one graph run: the profile's finish at the full batch.
    const longestRun = backend.profile()?.stages.finish?.[String(backend.state.maxBatch)] ?? 0;
    console.info(
      `event loop during a ${elapsed} ms generation: mean ${ms(histogram.mean).toFixed(1)} ms, ` +
        `p90 ${ms(histogram.percentile(90)).toFixed(1)}, max ${ms(histogram.max).toFixed(1)}; ` +
        `${probes} probes (worst ${worstProbeMs} ms); one finish run of ${backend.state.maxBatch} ≈ ${longestRun} ms`,
    );
    // Were runs on this thread, every one would stall the loop for its whole length (≈ longestRun), and
    // the loop would be blocked most of the time. Percentiles, not the max: on a loaded 2-core machine
    // the OS alone can deschedule the thread for a while.
    expect(elapsed).toBeGreaterThan(300);
    expect(probes).toBeGreaterThan(5);
    expect(ms(histogram.percentile(90))).toBeLessThan(50);
    expect(ms(histogram.mean)).toBeLessThan(30);
  });

  it("replaces a crashed worker; only its in-flight request fails, retryably", async () => {
    const before = backend.workerThreadIds();
    const inFlight = generate(backend, { prompt: "doomed fox", n: 64, verifier: "clip", seed: 2 });
    // Crash only once the request is running on the worker.
    while ((await metricValue(backend, "tinyscale_in_flight")) < 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    backend.crashWorker(0);
    const failed = await inFlight;
    expect(failed.status).toBe(500);
    expect(Number(failed.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const body = await failed.json();
    expect(body.error.code).toBe("internal_error");
    // The caller reads a generic message with the request id; the worker's detail is in the log only.
    expect(body.error.message).toBe(INTERNAL_ERROR_MESSAGE);
    expect(body.error.request_id).toBe(failed.headers.get("x-request-id"));
    const logged = backend.logs.filter((line) => line.includes(body.error.request_id));
    expect(logged.some((line) => line.includes("inference worker crashed"))).toBe(true);
    // Later requests succeed on the replacement.
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      const response = await generate(backend, { prompt: "after the crash", n: 2, seed: 3 });
      status = response.status;
      await response.arrayBuffer();
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
    expect(backend.workerThreadIds()).not.toEqual(before);
    expect(await metricValue(backend, "tinyscale_worker_crashes_total")).toBe(1);
  });
});
