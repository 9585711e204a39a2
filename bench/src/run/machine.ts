// One line naming the machine the numbers came from (CPU model, cores, memory, Node), for every result file.

import { cpus, totalmem } from "node:os";

export function machineDescription(): string {
  const list = cpus();
  const model = list[0]?.model.trim() ?? "unknown CPU";
  return `${list.length}× ${model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}
