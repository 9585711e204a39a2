// How the numbers in SUMMARY.md were taken, stated once so a reader can judge them without the code.

export const METHOD_NOTES: readonly string[] = [
  "vhs, clip, ae, none: the product itself — a real backend (startBackend: Hono HTTP thread + onnxruntime " +
    "worker thread) on 127.0.0.1, one POST /v1/generate per run; total_ms is the caller's wall time, " +
    "stages are that request's per-stage times from the backend's own stage histograms (/metrics deltas), " +
    "`other` is the rest (HTTP, validation, worker hand-off, tokenizing, noise).",
  "reference: the released VHS code's control flow on the same bundle's graphs, in this process (no HTTP, " +
    "so it is not charged the product's HTTP cost): per candidate the prompt is re-encoded (text_encoder), " +
    "DiT layers 0..ℓ* run (dit_head; 'prod' mode makes later blocks passthrough, the final layer is " +
    "negligible and has no graph of its own) and vhs_verify runs at batch 3 (HF generate with num_beams=3 " +
    "expands to 3 beams before the prefill); then the winner is regenerated from scratch: text_encoder + " +
    "dit_head + dit_tail + vae_decode, and PNG-encoded like the product's image.",
  "Rounds: each round runs every (mode, N) cell once in a fixed order after a warm-up round, so drift on " +
    "a shared machine lands on every mode alike; figures are medians over rounds. Every run uses a new " +
    "prompt, so the backend's prompt-embedding cache never hides the text encoder.",
  "Planner: budgets from the smallest that plans (predicted N=1 cost + the default 20 ms network margin, " +
    "which here covers the loopback HTTP) to 20× it (geometric), planned with shared planCandidates on the " +
    "profile the backend measured at start-up; relative error compares the caller's wall time with the " +
    "predicted pipeline time (margin excluded); one warm-up run per N not run before is not counted; " +
    "'over budget' compares the caller's wall time with the budget.",
  "Overhead: time outside session.run() = the backend's total_ms (arrival → response) − Σ graph stage time " +
    "of that request (histogram deltas); it includes the PNG encode (sharp), shown separately. Event-loop " +
    "delay: perf_hooks.monitorEventLoopDelay (1 ms resolution, interval subtracted) in the process hosting " +
    "the backend's HTTP thread while sequential N=4 requests ran.",
  "Edge: the real Worker in workerd (miniflare, startLocalEdge: D1 key lookup, per-key Durable Object " +
    "meter, HMAC-signed forwarding) in front of a minimal Node HTTP backend that verifies the signature and " +
    "answers at once; direct = the same request to that backend with its bearer token; the two paths are " +
    "measured interleaved, one request in flight; requests/s by autocannon with 10 connections.",
];
