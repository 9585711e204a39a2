// Which requests get the rows of the next shared propose batch, and which must finish now. Pure, so the
// policy is tested on its own:
// 1. Every request first gets one candidate, earliest deadline first: a request admitted with a deadline
//    is owed at least one candidate in time, whatever else is running.
// 2. The rows left go round-robin, fewest candidates first, to requests that may take more: an explicit
//    `n` until it has n; a budget request up to its cap while, earliest deadline first, one more batch
//    still leaves room for the work owed to every request due no later than it (their remaining minimum
//    candidates and their finishing) and for the finishing of the requests that stop now, before its
//    deadline less a reserve (RESERVE_SHARE of its time) for what the costs do not predict. Requests due
//    later are not delayed by it: the batch runs anyway for those still owed candidates, and its finishing
//    is owed before theirs either way. So N grows until the deadline, shrinks under load for everyone
//    alike, and one request's large N cannot starve another's small one.

import { type CostModel, DEADLINE_SLACK_MS } from "./cost-model.js";

export interface RowDemand {
  id: number;
  /** Candidates this request has so far. */
  have: number;
  /** The most it may have: an explicit n, or the cap planned from its budget. */
  cap: number;
  /** True for an explicit n: it gets exactly cap candidates, never fewer. */
  exact: boolean;
  /** Absolute deadline (epoch ms) or null. */
  deadlineMs: number | null;
  /** When it reached the worker (epoch ms): with the deadline, how much time it was given. */
  arrivedMs: number;
  /** The caller went away: it takes no more rows. */
  cancelled: boolean;
  /** Its prompt is not encoded yet (that is still ahead of it). */
  needsText: boolean;
}

export interface Allocation {
  /** Rows per request id for the next batch, in the order they go into the batch. */
  rows: { id: number; count: number }[];
  /** Requests that take no more rows and have a candidate: finish them now. */
  finish: number[];
}

/**
 * The share of a budget request's time (arrival to deadline) its N may not grow into. It is kept for
 * what no cost model predicts on a machine the graphs share with everything else: a finish run that lands
 * behind others, the image encode and the response competing for the same cores, a burst of arrivals.
 * Under load N is small either way, so it costs few candidates, and it is what keeps the slow answers
 * (the p99, not the average) inside the budget; on an idle worker a request reaches its cap long before.
 */
export const RESERVE_SHARE = 0.2;

/** Until when a budget request may take more candidates: its deadline less RESERVE_SHARE of its time. */
function extendUntil(demand: RowDemand): number | null {
  if (demand.deadlineMs === null) return null;
  return demand.deadlineMs - RESERVE_SHARE * Math.max(0, demand.deadlineMs - demand.arrivedMs);
}

const byDeadline = (a: RowDemand, b: RowDemand) =>
  (a.deadlineMs ?? Number.POSITIVE_INFINITY) - (b.deadlineMs ?? Number.POSITIVE_INFINITY) || a.id - b.id;

/**
 * Ms of graph-thread work still owed to one request: its remaining minimum candidates, its prompt
 * encoding if that is still ahead, and its share of a finish run. Its image encoding runs beside the
 * graphs (sharp's threads), so it delays only its own answer.
 */
function owedMs(demand: RowDemand, cost: CostModel): number {
  const rows = demand.exact ? Math.max(0, demand.cap - demand.have) : demand.have === 0 ? 1 : 0;
  return cost.leastWorkMs(rows, !demand.needsText);
}

/** Milliseconds of graph-thread work owed to the requests on this worker (reported with each result). */
export function owedWork(all: readonly RowDemand[], cost: CostModel): number {
  return all.reduce((ms, demand) => ms + owedMs(demand, cost), 0);
}

/** A budget request that already has a candidate and could take more (what the deadline decides). */
function couldExtend(demand: RowDemand): boolean {
  return !demand.exact && !demand.cancelled && demand.have > 0 && demand.have < demand.cap;
}

/** A request in the next batch whatever the deadlines say: owed its first candidate, or an explicit n. */
function staysInBatch(demand: RowDemand): boolean {
  return !demand.cancelled && (demand.have === 0 || (demand.exact && demand.have < demand.cap));
}

/**
 * The budget requests that may take rows in the next batch (see the head of this file). One that may not
 * finishes before the batch, which delays everyone going on by its finishing: so it is decided again,
 * until no further request has to stop.
 */
export function extending(all: readonly RowDemand[], cost: CostModel, now: number): Set<number> {
  const open = all.filter(couldExtend);
  if (!cost.measured) return new Set(open.map((d) => d.id));
  const order = [...all].sort(byDeadline);
  const stopping = new Set(
    all.filter((d) => d.have > 0 && !couldExtend(d) && !staysInBatch(d)).map((d) => d.id),
  );
  for (let changed = true; changed; ) {
    changed = false;
    let ahead = now + cost.stepMs + DEADLINE_SLACK_MS + cost.marginMs + cost.encodeMs;
    for (const d of all) if (stopping.has(d.id)) ahead += owedMs(d, cost);
    for (const demand of order) {
      if (stopping.has(demand.id)) continue;
      ahead += owedMs(demand, cost);
      const until = extendUntil(demand);
      if (couldExtend(demand) && until !== null && ahead > until) {
        stopping.add(demand.id);
        changed = true;
        break;
      }
    }
  }
  return new Set(open.filter((d) => !stopping.has(d.id)).map((d) => d.id));
}

function wants(demand: RowDemand, extend: ReadonlySet<number>): number {
  if (demand.cancelled) return 0;
  const left = demand.cap - demand.have;
  if (left <= 0) return 0;
  if (demand.exact || demand.have === 0) return left;
  return extend.has(demand.id) ? left : 0;
}

export function allocateRows(demands: readonly RowDemand[], cost: CostModel, now: number): Allocation {
  const room = cost.maxBatch;
  const extend = extending(demands, cost, now);
  const want = new Map(demands.map((d) => [d.id, wants(d, extend)]));
  const given = new Map<number, number>();
  let used = 0;
  // 1. one candidate for each request that has none, earliest deadline first
  for (const demand of [...demands].filter((d) => d.have === 0).sort(byDeadline)) {
    if (used >= room) break;
    given.set(demand.id, 1);
    used++;
  }
  // 2. the rest round-robin, fewest candidates first
  const order = [...demands].sort((a, b) => a.have - b.have || byDeadline(a, b));
  let progressed = true;
  while (used < room && progressed) {
    progressed = false;
    for (const demand of order) {
      if (used >= room) break;
      const count = given.get(demand.id) ?? 0;
      if (count >= (want.get(demand.id) ?? 0)) continue;
      given.set(demand.id, count + 1);
      used++;
      progressed = true;
    }
  }
  const rows = order.flatMap((d) => {
    const count = given.get(d.id) ?? 0;
    return count > 0 ? [{ id: d.id, count }] : [];
  });
  const finish = demands.filter((d) => d.have > 0 && (want.get(d.id) ?? 0) === 0).map((d) => d.id);
  return { rows, finish };
}
