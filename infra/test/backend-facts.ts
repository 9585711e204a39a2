// What the manifests must agree with in the backend's code: the queue gauge the HPA scales on (the
// running backend's /metrics is checked for it) and how long its SIGTERM drain may take.

/** The gauge of requests waiting for (or holding) an inference worker, per backend process. */
export const HPA_METRIC = "tinyscale_queue_depth";
/** Upper bound of the backend's SIGTERM drain, in seconds. */
export const DRAIN_SECONDS = 30;
