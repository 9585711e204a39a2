// Runs the calling thread (an inference worker) at a lower CPU priority than the HTTP thread. On a machine
// with few cores a graph run holds a core for milliseconds at a time; the HTTP thread's work — reading a
// request, refusing it at once, encoding and sending a finished image — is short and on the clock, so it
// should take the core first instead of waiting for the run to be preempted. Linux keeps a nice value per
// thread, so this thread is reniced by its own thread id (other systems would renice the whole process:
// there it is left alone). Threads this thread starts afterwards (onnxruntime's pool) inherit it.

import { readlinkSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/** Adds `nice` (1..19) to this thread's nice value; false when the system does not allow it. */
export function lowerThreadPriority(nice: number): boolean {
  if (process.platform !== "linux") return false;
  try {
    // "/proc/thread-self" links to "<pid>/task/<tid>" of the thread that reads it.
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, Math.min(19, getPriority(tid) + nice));
    return true;
  } catch {
    return false;
  }
}
