// The Worker's view of the per-key meter: an interface the routes depend on, and its implementation
// that calls the key's KeyMeter Durable Object over RPC (one object per key id, addressed by name).
import type { KeyLimits } from "../keys/key-record.js";
import type { KeyMeter } from "./key-meter.js";
import type {
  AdmitRequest,
  AdmitResult,
  MeterSnapshot,
  RefundResult,
  SettleRequest,
  SettleResult,
  TakeResult,
} from "./meter-types.js";

export interface Meter {
  admit(keyId: string, request: AdmitRequest): Promise<AdmitResult>;
  /** Spends one rate-limit token, nothing else: the cost of a keyed route that runs nothing. */
  take(keyId: string, limits: KeyLimits): Promise<TakeResult>;
  settle(keyId: string, request: SettleRequest): Promise<SettleResult>;
  refund(keyId: string, requestId: string, limits: KeyLimits): Promise<RefundResult>;
  usage(keyId: string, limits: KeyLimits): Promise<MeterSnapshot>;
}

// The RPC stub types each result as a serialised copy with Disposable mixed in; the values are plain data
// (numbers, strings, ArrayBuffers), so casting back to the declared shape is exact.
export class DurableObjectMeter implements Meter {
  constructor(private readonly namespace: DurableObjectNamespace<KeyMeter>) {}

  private stub(keyId: string): DurableObjectStub<KeyMeter> {
    return this.namespace.get(this.namespace.idFromName(keyId));
  }

  async admit(keyId: string, request: AdmitRequest): Promise<AdmitResult> {
    return (await this.stub(keyId).admit(request)) as AdmitResult;
  }

  async take(keyId: string, limits: KeyLimits): Promise<TakeResult> {
    return (await this.stub(keyId).take(limits)) as TakeResult;
  }

  async settle(keyId: string, request: SettleRequest): Promise<SettleResult> {
    return (await this.stub(keyId).settle(request)) as SettleResult;
  }

  async refund(keyId: string, requestId: string, limits: KeyLimits): Promise<RefundResult> {
    return (await this.stub(keyId).refund(requestId, limits)) as RefundResult;
  }

  async usage(keyId: string, limits: KeyLimits): Promise<MeterSnapshot> {
    return (await this.stub(keyId).usage(limits)) as MeterSnapshot;
  }
}
