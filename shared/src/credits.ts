// The billing rule in one place: a request costs one credit per candidate generated plus one for the
// request (the winner's finish, decode and encode), so the edge reserves and commits by the same rule.

function assertCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer: ${value}`);
}

/** Credits charged for a request that generated `candidatesRun` candidates. */
export function creditsFor(candidatesRun: number): number {
  assertCount("candidatesRun", candidatesRun);
  return candidatesRun + 1;
}

/** Credits to hold before forwarding a request planned at `n` candidates; the most it can cost. */
export function reserveCreditsFor(n: number): number {
  assertCount("n", n);
  return n + 1;
}
