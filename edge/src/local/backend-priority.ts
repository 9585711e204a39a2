// On one machine the edge (workerd) and the backend share the CPUs. The backend's graph compute takes all
// the CPU it is given — the batching scheduler fills every budget with candidates — while each request's
// edge work is short but on the latency path: a key lookup, a meter call, a forward, a settlement.
// Started at a lower CPU priority, the backend computes in whatever time the edge leaves it, and the
// edge's few milliseconds per request are not queued behind graph runs. The backend measures its own
// speed (its slowdown factor) and plans N with it, so it stays within its budgets at the lower priority.
// Only a local/single-machine choice: a deployed backend has its machine to itself.

/** The `nice` increment the local stack starts the backend with (0: the same priority as the edge). */
export const LOCAL_BACKEND_NICENESS = 10;

/**
 * The command line that runs `command args` at `niceness` lower CPU priority: through nice(1) on POSIX
 * systems, so every thread of the process (the inference workers' too) is started lowered. Unchanged for
 * niceness 0 and on Windows.
 */
export function lowPriorityCommand(
  command: string,
  args: readonly string[],
  niceness: number = LOCAL_BACKEND_NICENESS,
): { command: string; args: string[] } {
  if (!Number.isInteger(niceness) || niceness < 0 || niceness > 19) {
    throw new Error(`niceness must be an integer from 0 to 19, got ${niceness}`);
  }
  if (niceness === 0 || process.platform === "win32") return { command, args: [...args] };
  return { command: "nice", args: ["-n", String(niceness), command, ...args] };
}
