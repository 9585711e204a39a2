// Which requests get the rows of the next shared propose batch, and which must finish now. Pure, so the
// policy is tested on its own:
// 1. Every request first gets one candidate, earliest deadline first: a request admitted with a deadline
//    is owed at least one candidate in time, whatever else is running.
// 2. The rows left go round-robin, fewest candidates first, to requests that may take more: an explicit
//    `n` until it has n; a budget request up to its cap while its deadline still leaves room for one more
//    batch and for the work owed to every request on this worker — those due earlier and those queued
//    behind it, which are owed a candidate and their finishing too. So under load N shrinks for everyone
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

const byDeadline = (a: RowDemand, b: RowDemand) =>
  (a.deadlineMs ?? Number.POSITIVE_INFINITY) - (b.deadlineMs ?? Number.POSITIVE_INFINITY) || a.id - b.id;

/**
 * Milliseconds of work owed to the requests on this worker (their remaining minimum candidates and their
 * finishing, its own included): what must still fit, whoever runs first, before an extension may.
 */
export function owedWork(all: readonly RowDemand[], cost: CostModel): number {
  let ms = 0;
  for (const other of all) {
    const owedRows = other.exact ? other.cap - other.have : other.have === 0 ? 1 : 0;
    ms += owedRows * cost.proposeRowMs + cost.requestMs;
  }
  return ms;
}

/** True when a budget request may take one more batch and still finish, with everyone owed, in time. */
export function mayExtend(
  demand: RowDemand,
  all: readonly RowDemand[],
  cost: CostModel,
  now: number,
): boolean {
  if (demand.deadlineMs === null || !cost.measured) return true;
  return now + cost.stepMs + owedWork(all, cost) + DEADLINE_SLACK_MS <= demand.deadlineMs;
}

function wants(demand: RowDemand, all: readonly RowDemand[], cost: CostModel, now: number): number {
  if (demand.cancelled) return 0;
  const left = demand.cap - demand.have;
  if (left <= 0) return 0;
  if (demand.exact || demand.have === 0) return left;
  return mayExtend(demand, all, cost, now) ? left : 0;
}

export function allocateRows(demands: readonly RowDemand[], cost: CostModel, now: number): Allocation {
  const room = cost.maxBatch;
  const want = new Map(demands.map((d) => [d.id, wants(d, demands, cost, now)]));
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
