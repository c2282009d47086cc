/**
 * Token buckets for per-peer rate limits: `rate` tokens per second up to `burst`. Time comes in as an
 * argument, so the bucket is deterministic under test.
 */

/** A rate and a burst. */
export interface RateSpec {
  /** Tokens added per second. */
  readonly perSecond: number;
  /** Most tokens held (the largest burst). */
  readonly burst: number;
}

/** A token bucket. Example: `new TokenBucket({perSecond: 10, burst: 20}, now).take(1, now)`. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly spec: RateSpec,
    nowMs: number,
  ) {
    this.tokens = spec.burst;
    this.last = nowMs;
  }

  private refill(nowMs: number): void {
    const dt = nowMs - this.last;
    if (dt > 0) {
      this.tokens = Math.min(this.spec.burst, this.tokens + (dt * this.spec.perSecond) / 1000);
      this.last = nowMs;
    }
  }

  /**
   * Takes `n` tokens when at least `min(n, burst)` are left (so one item bigger than the burst still
   * passes when the bucket is full, leaving it in debt); false otherwise, taking nothing.
   */
  take(n: number, nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < Math.min(n, this.spec.burst)) return false;
    this.tokens -= n;
    return true;
  }

  /** Tokens available now. */
  available(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }
}
