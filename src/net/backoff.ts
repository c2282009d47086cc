/**
 * Reconnect delays: exponential backoff with jitter, bounded. Attempt 0 waits about `initialMs`,
 * each further attempt doubles (by `factor`) up to `maxMs`; the jitter spreads reconnects of many
 * nodes after a common outage.
 */

/** Backoff settings. */
export interface BackoffSpec {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  /** Fraction of the delay randomised, 0..1 (0.2 = ±20 %). */
  readonly jitter: number;
}

/** Defaults: 250 ms doubling to 30 s, ±20 % jitter. */
export const DEFAULT_BACKOFF: BackoffSpec = Object.freeze({ initialMs: 250, maxMs: 30_000, factor: 2, jitter: 0.2 });

/**
 * Delay before reconnect attempt `attempt` (0-based); `random` in [0, 1). Always within
 * [initialMs·(1−jitter), maxMs]. Example: `backoffDelay(3, DEFAULT_BACKOFF, () => 0.5) === 2000`.
 */
export function backoffDelay(attempt: number, spec: BackoffSpec, random: () => number = Math.random): number {
  const base = Math.min(spec.maxMs, spec.initialMs * Math.pow(spec.factor, Math.min(attempt, 60)));
  const jittered = base * (1 + spec.jitter * (2 * random() - 1));
  return Math.round(Math.min(spec.maxMs, Math.max(spec.initialMs * (1 - spec.jitter), jittered)));
}
