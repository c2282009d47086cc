/**
 * Which script flags apply where (DESIGN.md §3 "Script", CC.md B1.1).
 *
 * Blocks: P2SH, STRICTENC, DERSIG, LOW_S, NULLDUMMY, CLTV, CSV, NULLFAIL (Core's mandatory set plus the
 * three malleability rules DESIGN.md makes consensus on cchost chains), plus SCRIPT_VERIFY_CRYPTOCONDITIONS
 * from `cc.activationHeight` when `cc.enabled`. Mempool: Core's standard set (a superset of the block
 * flags) plus the CC flag under the same rule, evaluated at tip + 1.
 */
import {
  BLOCK_SCRIPT_VERIFY_FLAGS,
  SCRIPT_VERIFY_CRYPTOCONDITIONS,
  STANDARD_SCRIPT_VERIFY_FLAGS,
} from '../../script/flags.ts';
import type { ChainSpec } from '../spec/types.ts';

/** Consensus script flags of every cchost block (without the CC flag, which depends on height). */
export const BLOCK_SCRIPT_FLAGS = BLOCK_SCRIPT_VERIFY_FLAGS;

/** Mempool script flags (without the CC flag): Core's standard set, a superset of `BLOCK_SCRIPT_FLAGS`. */
export const MEMPOOL_SCRIPT_FLAGS = STANDARD_SCRIPT_VERIFY_FLAGS;

/** True when OP_CHECKCRYPTOCONDITIONS is active at `height` (CC.md B1.1). */
export function ccActiveAt(spec: Pick<ChainSpec, 'cc'>, height: number): boolean {
  return spec.cc.enabled && height >= spec.cc.activationHeight;
}

/** Validation mode: a block being connected or assembled, or mempool acceptance. */
export type ValidationMode = 'block' | 'mempool';

/** The script flags for validating a transaction in a block at `height` (mempool: tip + 1). */
export function scriptFlagsFor(spec: Pick<ChainSpec, 'cc'>, height: number, mode: ValidationMode): number {
  const base = mode === 'block' ? BLOCK_SCRIPT_FLAGS : MEMPOOL_SCRIPT_FLAGS;
  return ccActiveAt(spec, height) ? base | SCRIPT_VERIFY_CRYPTOCONDITIONS : base;
}

/**
 * The chain context a script verdict depends on besides the transaction and its flags: 0 when CC is
 * off, else 1 + the number of modules active at `height`. The crypto-conditions check reads the
 * height only through "is eval code E registered and active" (CC.md B4 step 8), and activation is
 * monotone, so equal values mean equal verdicts. Part of the script cache key.
 */
export function ccContextKey(spec: Pick<ChainSpec, 'cc'>, height: number): number {
  if (!ccActiveAt(spec, height)) return 0;
  let n = 1;
  for (const m of spec.cc.modules) if (height >= m.activationHeight) n++;
  return n;
}
