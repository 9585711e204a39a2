// The inference thread's lower CPU priority is its own: Linux keeps nice per thread, so renicing by thread
// id leaves the rest of the process (the HTTP thread) where it was.

import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { lowerThreadPriority } from "./thread-priority.js";

/** Field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value. */
function niceOf(statPath: string): number {
  const stat = readFileSync(statPath, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[16]);
}

describe.skipIf(process.platform !== "linux")("lowerThreadPriority", () => {
  it("renices the calling thread only", async () => {
    const mainBefore = niceOf("/proc/thread-self/stat");
    // A plain worker thread parks itself; renicing this thread must not move it.
    const other = new Worker(
      "const { parentPort } = require('node:worker_threads'); const fs = require('node:fs'); parentPort.postMessage(fs.readlinkSync('/proc/thread-self')); setInterval(() => {}, 1000);",
      { eval: true },
    );
    const otherTask: string = await new Promise((resolve) => other.once("message", resolve));
    const otherBefore = niceOf(`/proc/${otherTask}/stat`);
    try {
      expect(lowerThreadPriority(2)).toBe(true);
      expect(niceOf("/proc/thread-self/stat")).toBe(Math.min(19, mainBefore + 2));
      expect(niceOf(`/proc/${otherTask}/stat`)).toBe(otherBefore);
    } finally {
      await other.terminate();
    }
  });
});
