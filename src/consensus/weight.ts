/**
 * Vote weight with time decay (§5.8, seed §4.1): weight(stake, t) = stake × 2^(w/52), w = whole weeks
 * since 2000-01-01 (the Antelope block-time epoch). JavaScript's Math.pow is not guaranteed to be
 * bit-identical across engines, so the weight is computed in BigInt fixed point:
 *
 *   2^(w/52) = 2^⌊w/52⌋ × T[w mod 52] / 2^64,   T[k] = round(2^(k/52) × 2^64)
 *
 * with the 52 constants below (a test regenerates them with exact integer arithmetic). A vote cast a
 * year later weighs twice as much, so older votes fade by half per year relative to fresh ones.
 */

/** 2000-01-01T00:00:00Z in unix milliseconds. */
export const WEIGHT_EPOCH_MS = 946_684_800_000;

/** One week in milliseconds. */
export const WEEK_MS = 604_800_000;

/** T[k] = round(2^(k/52) × 2^64), k = 0..51. */
export const WEEKLY_FACTORS: readonly bigint[] = Object.freeze([
  0x10000000000000000n,
  0x1036f6d4e323d2e50n,
  0x106eaa7ac32230b6fn,
  0x10a71d7a422df43cdn,
  0x10e05264b6b3d80b5n,
  0x111a4bd4494100a14n,
  0x11550c6c12d03ddd0n,
  0x119096d83b7f64a5an,
  0x11ccedce19ae265f3n,
  0x120a140c5187d08f4n,
  0x12480c5af4f963f0an,
  0x1286d98ba41577270n,
  0x12c67e79ade75e3d6n,
  0x1306fe0a31b7152dfn,
  0x13485b2c40bf70cf7n,
  0x138a98d900581eba7n,
  0x13cdba13cc9501f96n,
  0x1411c1ea5b5c7fb15n,
  0x1456b374dff654567n,
  0x149c91d62f148f7dbn,
  0x14e3603be35859e9an,
  0x152b21de82542f134n,
  0x1573da01a20d39235n,
  0x15bd8bf40efd841a5n,
  0x16083b0ff298c2c05n,
  0x1653eabafa5565e78n,
  0x16a09e667f3bcc909n,
  0x16ee598fadfd5998en,
  0x173d1fbfaf9541cadn,
  0x178cf48bd274eb6a0n,
  0x17dddb95b43dbeb08n,
  0x182fd88b6c0a4d1f5n,
  0x1882ef27b548bc0b7n,
  0x18d723321b28656a4n,
  0x192c787f249ca8949n,
  0x1982f2f080f6eb7ean,
  0x19da96753519d3c61n,
  0x1a336709c947c5ec7n,
  0x1a8d68b8778ec028dn,
  0x1ae89f995ad3ad5e8n,
  0x1b450fd29e7f540cdn,
  0x1ba2bd98aecf0c61cn,
  0x1c01ad2e69cb700f9n,
  0x1c61e2e550e73e0f9n,
  0x1cc3631dbb48b4252n,
  0x1d26324708bfa7b33n,
  0x1d8a54dfd56aaf542n,
  0x1defcf762e0db697an,
  0x1e56a6a7c51c5d5f6n,
  0x1ebedf22287a8c7ebn,
  0x1f287da2f7f5b18b5n,
  0x1f9386f81c791c35en,
]);

/** Whole weeks from the weight epoch to `unixMs` (0 before it). Example: `weeksSinceEpoch(WEIGHT_EPOCH_MS + 3 * WEEK_MS) === 3`. */
export function weeksSinceEpoch(unixMs: number): number {
  if (!Number.isSafeInteger(unixMs)) throw new RangeError(`time must be an integer number of ms, got ${unixMs}`);
  return unixMs <= WEIGHT_EPOCH_MS ? 0 : Math.floor((unixMs - WEIGHT_EPOCH_MS) / WEEK_MS);
}

/**
 * stake × 2^(weeks/52), rounded down. Example: `voteWeight(1000n, 52) === 2000n`; `voteWeight(10n ** 18n, 1)`
 * is 10^18 × 1.0134…, exact to the last unit on every engine.
 */
export function voteWeight(stake: bigint, weeks: number): bigint {
  if (stake < 0n) throw new RangeError('stake must not be negative');
  if (!Number.isSafeInteger(weeks) || weeks < 0) throw new RangeError(`weeks must be a non-negative integer, got ${weeks}`);
  const whole = BigInt(Math.floor(weeks / 52));
  return (stake * WEEKLY_FACTORS[weeks % 52]! << whole) >> 64n;
}
