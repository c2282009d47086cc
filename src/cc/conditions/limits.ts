/**
 * Library limits (CC.md A10). The defaults are the consensus values; a `limits` argument may relax
 * them, in tests only (for example to derive Komodo's 251-child condition).
 */

/** The bounds every parser, deriver and encoder enforces. */
export interface Limits {
  /** Tree depth, the root counting as 1 (anonymous children included). */
  readonly maxDepth: number;
  /** Children of one threshold node: sub-fulfillments plus sub-conditions. */
  readonly maxChildren: number;
  /** Length of any node's fingerprint contents. */
  readonly maxContents: number;
  /** Cost of any node (the spec range of the cost INTEGER). */
  readonly maxNodeCost: number;
  /** Cost of the root condition. */
  readonly maxRootCost: number;
  /** Length of an encoded fulfillment. */
  readonly maxFulfillment: number;
  /** Smallest eval code. */
  readonly minEvalCode: number;
  /** Largest eval code. */
  readonly maxEvalCode: number;
}

/** 2^32 − 1: the largest cost and maxMessageLength. */
export const MAX_UINT32 = 0xffffffff;

/** The consensus limits of A10. */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxDepth: 16,
  maxChildren: 256,
  maxContents: 4096,
  maxNodeCost: MAX_UINT32,
  maxRootCost: 8_388_608,
  maxFulfillment: 2047,
  minEvalCode: 1,
  maxEvalCode: 1024,
});

/**
 * The effective limits: `DEFAULT_LIMITS` itself when nothing is overridden (the cacheable case),
 * otherwise a merged copy. Example: `resolveLimits({ maxContents: 1 << 20, maxRootCost: 2 ** 32 - 1 })`.
 */
export function resolveLimits(overrides?: Partial<Limits>): Limits {
  if (overrides === undefined || overrides === DEFAULT_LIMITS) return DEFAULT_LIMITS;
  let same = true;
  for (const k of Object.keys(overrides) as (keyof Limits)[]) {
    if (overrides[k] !== undefined && overrides[k] !== DEFAULT_LIMITS[k]) same = false;
  }
  return same ? DEFAULT_LIMITS : { ...DEFAULT_LIMITS, ...stripUndefined(overrides) };
}

function stripUndefined(o: Partial<Limits>): Partial<Limits> {
  const out: Partial<Record<keyof Limits, number>> = {};
  for (const k of Object.keys(o) as (keyof Limits)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
