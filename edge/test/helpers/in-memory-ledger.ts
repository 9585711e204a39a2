// An in-memory usage ledger: keeps every row, or fails every write when told to (D1 unreachable).
import type { LedgerRow, UsageLedger } from "../../src/meter/usage-ledger.js";

export class InMemoryLedger implements UsageLedger {
  readonly rows: LedgerRow[] = [];
  failing = false;

  async record(row: LedgerRow): Promise<void> {
    if (this.failing) throw new Error("the ledger database is unreachable");
    this.rows.push(row);
  }
}
