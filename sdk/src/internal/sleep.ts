// A timer that can be cut short by an AbortSignal: the wait between retries must end when the caller aborts.
// Tests swap it for a recording function so that retry delays are asserted without real waiting.
export type SleepFunction = (ms: number, signal?: AbortSignal) => Promise<void>;

export const sleep: SleepFunction = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
