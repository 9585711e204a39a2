// One Idempotency-Key per logical call, made before the first attempt and sent unchanged on every retry,
// so the edge replays the stored result instead of generating (and charging) twice.
export function newIdempotencyKey(): string {
  return `ts-${crypto.randomUUID()}`;
}
