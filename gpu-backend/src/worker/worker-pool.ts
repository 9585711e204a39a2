// The inference worker threads of one backend. Hands a job to an idle worker, replaces a worker that
// crashed (its in-flight job already failed retryably), and tells the admission queue when capacity frees.

import { TinyscaleError } from "@tinyscale/shared";
import type { Logger } from "../log/logger.js";
import type { ProfileStages } from "../pipeline/batch-schedule.js";
import type { GenerationJob, GenerationResult } from "../pipeline/types.js";
import type { BundleInfo, WorkerInit } from "./protocol.js";
import { WorkerHost } from "./worker-host.js";

export interface PoolOptions {
  size: number;
  init: Omit<WorkerInit, "workerIndex">;
  logger: Logger;
  onCrash?: () => void;
}

const REPLACE_RETRY_MS = 1000;

export class WorkerPool {
  private readonly hosts: (WorkerHost | undefined)[];
  private stages: ProfileStages | undefined;
  private closed = false;
  /** Called whenever a worker becomes free to take a job. */
  onCapacity: () => void = () => {};

  private constructor(
    private readonly options: PoolOptions,
    hosts: WorkerHost[],
    readonly info: BundleInfo,
  ) {
    this.hosts = hosts;
    for (const host of hosts) this.watch(host);
  }

  /** Starts every worker; rejects (after stopping the ones that started) if any cannot load the bundle. */
  static async start(options: PoolOptions): Promise<WorkerPool> {
    const started = await Promise.allSettled(
      Array.from({ length: options.size }, (_, workerIndex) =>
        WorkerHost.start({ ...options.init, workerIndex }),
      ),
    );
    const failure = started.find((s) => s.status === "rejected");
    if (failure) {
      await Promise.all(
        started.map((s) => (s.status === "fulfilled" ? s.value.host.terminate() : undefined)),
      );
      throw failure.reason;
    }
    const ok = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const info = ok[0]?.info;
    if (!info) throw new Error("worker pool needs at least one worker");
    return new WorkerPool(
      options,
      ok.map((s) => s.host),
      info,
    );
  }

  get size(): number {
    return this.options.size;
  }

  /** Workers alive and not running anything. */
  get idle(): number {
    return this.hosts.filter((h) => h !== undefined && !h.busy).length;
  }

  get threadIds(): number[] {
    return this.hosts.flatMap((h) => (h ? [h.threadId] : []));
  }

  private watch(host: WorkerHost): void {
    host.onCrash = (crashed, reason) => {
      this.options.logger.error("inference worker crashed; starting a replacement", {
        worker: crashed.index,
        reason,
      });
      this.options.onCrash?.();
      this.hosts[crashed.index] = undefined;
      void this.replace(crashed.index);
    };
  }

  private async replace(index: number): Promise<void> {
    while (!this.closed) {
      try {
        const { host } = await WorkerHost.start({ ...this.options.init, workerIndex: index });
        if (this.closed) {
          await host.terminate();
          return;
        }
        if (this.stages) host.setProfile(this.stages);
        this.watch(host);
        this.hosts[index] = host;
        this.options.logger.info("replacement inference worker ready", { worker: index });
        this.onCapacity();
        return;
      } catch (error) {
        this.options.logger.error("replacement worker failed to start; retrying", { worker: index, error });
        await new Promise((resolve) => setTimeout(resolve, REPLACE_RETRY_MS));
      }
    }
  }

  private takeIdle(): WorkerHost {
    const host = this.hosts.find((h) => h !== undefined && !h.busy);
    if (!host) throw new Error("no idle inference worker (the admission queue should have waited)");
    return host;
  }

  async run(job: GenerationJob, signal?: AbortSignal): Promise<GenerationResult> {
    if (this.closed) throw new TinyscaleError("overloaded", "backend is stopping", { retryAfterSeconds: 1 });
    const host = this.takeIdle();
    try {
      return await host.generate(job, signal);
    } finally {
      this.onCapacity();
    }
  }

  /** Hands a job to the live worker holding the fewest jobs; that worker batches it with its others. */
  async dispatch(job: GenerationJob, signal?: AbortSignal): Promise<GenerationResult> {
    if (this.closed) throw new TinyscaleError("overloaded", "backend is stopping", { retryAfterSeconds: 1 });
    const live = this.hosts.filter((h): h is WorkerHost => h !== undefined);
    const host = live.reduce<WorkerHost | undefined>(
      (best, h) => (!best || h.load < best.load ? h : best),
      undefined,
    );
    if (!host) {
      throw new TinyscaleError("overloaded", "no inference worker is running; retry shortly", {
        retryAfterSeconds: 1,
      });
    }
    return host.generate(job, signal);
  }

  /** Measures the latency profile on one worker and hands it to every worker (and future replacements). */
  async measureProfile(maxBatch: number, runs: number): Promise<ProfileStages> {
    const stages = await this.takeIdle().measure(maxBatch, runs);
    this.setProfile(stages);
    this.onCapacity();
    return stages;
  }

  setProfile(stages: ProfileStages): void {
    this.stages = stages;
    for (const host of this.hosts) host?.setProfile(stages);
  }

  /** Kills one worker as a crash would (for tests and drills); its in-flight job fails retryably. */
  crashOne(index = 0): void {
    this.hosts[index]?.crash();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.hosts.map((h) => h?.terminate()));
  }
}
