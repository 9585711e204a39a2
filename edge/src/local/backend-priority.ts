// On one machine the edge (workerd) and the backend share the CPUs. The backend's graph compute takes all
// the CPU it is given — the batching scheduler fills every budget with candidates — while each request's
// edge work is short but on the latency path: a key lookup, a meter call, a forward, a settlement. The
// backend already runs its inference threads below its HTTP thread (TINYSCALE_WORKER_NICE, default 10),
// so the edge's steps and the backend's own refusals and answers take a core before graph compute does.
// Lowering the whole backend process as well put its HTTP thread below the edge and the clients too:
// measured with the load bench, refusals and answers then waited for a core and more of them missed
// their budgets, so the local stack starts the backend at the edge's priority. A further increment
// (TINYSCALE_BACKEND_NICE) lowers every backend thread; it is kept for machines where that helps.

/** The `nice` increment the local stack starts the backend with (0: the same priority as the edge). */
export const LOCAL_BACKEND_NICENESS = 0;

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
