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

/** Object ids by key id, per isolate: deriving one from a name is a hash, the same for every request. */
const ids = new WeakMap<DurableObjectNamespace<KeyMeter>, Map<string, DurableObjectId>>();
const MAX_CACHED_IDS = 10_000;

function idFor(namespace: DurableObjectNamespace<KeyMeter>, keyId: string): DurableObjectId {
  let byKey = ids.get(namespace);
  if (!byKey) {
    byKey = new Map();
    ids.set(namespace, byKey);
  }
  let id = byKey.get(keyId);
  if (!id) {
    if (byKey.size >= MAX_CACHED_IDS) byKey.clear();
    id = namespace.idFromName(keyId);
    byKey.set(keyId, id);
  }
  return id;
}

// The RPC stub types each result as a serialised copy with Disposable mixed in; the values are plain data
// (numbers, strings, ArrayBuffers), so casting back to the declared shape is exact.
// One DurableObjectMeter serves one request (services middleware), so its stubs are that request's own.
export class DurableObjectMeter implements Meter {
  private readonly stubs = new Map<string, DurableObjectStub<KeyMeter>>();

  constructor(private readonly namespace: DurableObjectNamespace<KeyMeter>) {}

  private stub(keyId: string): DurableObjectStub<KeyMeter> {
    let stub = this.stubs.get(keyId);
    if (!stub) {
      stub = this.namespace.get(idFor(this.namespace, keyId));
      this.stubs.set(keyId, stub);
    }
    return stub;
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
