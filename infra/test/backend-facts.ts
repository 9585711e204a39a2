// What the manifests must agree with in the backend's code: the queue gauge the HPA scales on (the
// running backend's /metrics is checked for it) and how long its SIGTERM drain may take.

/** The gauge of requests waiting for (or holding) an inference worker, per backend process. */
export const HPA_METRIC = "tinyscale_queue_depth";
/**
 * Upper bound of the backend's SIGTERM drain, in seconds. The drain has no timer of its own: it ends
 * when the last queued or running request does, and a request never outlives its deadline (budget_ms
 * ≤ 60 000, the edge's forwarding timeout 60 s; queued jobs past their deadline are refused at once).
 */
export const DRAIN_SECONDS = 60;
