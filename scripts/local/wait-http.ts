// Polls a URL until it answers 2xx: how the local stack waits for a process it started to be ready.
// Gives up early when the process has already died, with that reason, instead of waiting out the timeout.

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Returns a reason when the thing being waited on can no longer come up. */
  failed?: () => string | undefined;
}

export async function waitForOk(url: string, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    const reason = options.failed?.();
    if (reason) throw new Error(`${url}: ${reason}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
  throw new Error(`${url} not ready after ${options.timeoutMs} ms (last: ${last})`);
}
