/**
 * Absolute and relative lock times.
 *
 * `isFinalTx` is Core's IsFinalTx: a lock time of 0, or below the height (values < 500,000,000) or
 * below the block time in UNIX seconds (values ≥ 500,000,000), makes a transaction final; otherwise it
 * is final only when every input has sequence 0xffffffff. The block time is the block's slot start
 * (`slotStartMs(spec, slot)`), which strictly increases along a chain, so cchost needs no median time
 * past. The mempool checks against height tip + 1 and the tip's time (a transaction final then is final
 * in the next block).
 *
 * `checkSequenceLocks` is BIP68 for transactions with version ≥ 2 (unsigned): an input whose sequence
 * has bit 31 clear waits `value` = sequence & 0xffff blocks after the block that created its coin
 * (bit 22 clear), or `value` × 512 seconds after that block's time (bit 22 set). cchost's choice for
 * time locks: the coin's time is the slot start of the block that created it and the spending block's
 * time is its own slot start, both exact and monotone (Core uses median times past instead); i.e. the
 * lock holds iff blockTime − coinTime ≥ value × 512,000 ms. Coins from earlier in the same block or
 * from the mempool count as created in the block being checked.
 */
import type { TxLike } from '../../script/tx.ts';
import {
  LOCKTIME_THRESHOLD,
  SEQUENCE_FINAL,
  SEQUENCE_LOCKTIME_DISABLE_FLAG,
  SEQUENCE_LOCKTIME_MASK,
  SEQUENCE_LOCKTIME_TYPE_FLAG,
} from '../../script/checker.ts';
import type { Coin } from '../state/types.ts';

/** Milliseconds per BIP68 time unit (2^9 seconds). */
export const SEQUENCE_TIME_UNIT_MS = 512_000;

/**
 * Core's IsFinalTx with cchost's block time in ms (compared in whole seconds).
 * Example: a transaction with locktime 100 is final in block 101, not in block 100 (unless every input is final).
 */
export function isFinalTx(tx: TxLike, height: number, blockTimeMs: number): boolean {
  const lockTime = tx.locktime >>> 0;
  if (lockTime === 0) return true;
  const limit = lockTime < LOCKTIME_THRESHOLD ? height : Math.floor(blockTimeMs / 1000);
  if (lockTime < limit) return true;
  for (const input of tx.ins) if (input.sequence >>> 0 !== SEQUENCE_FINAL) return false;
  return true;
}

/** The first failing relative lock, or undefined when all hold. */
export interface SequenceLockFailure {
  readonly input: number;
  readonly kind: 'height' | 'time';
  /** The height or time (ms) from which the input may be spent. */
  readonly needed: number;
}

/**
 * BIP68 (see the file comment). `height` and `blockTimeMs` are the spending block's; `coins[i]` is the
 * coin input i spends; `blockTimeAt(h)` is the time (ms) of the block at height h on this chain, asked
 * only for time-based locks on coins confirmed below `height`.
 */
export function checkSequenceLocks(
  tx: TxLike,
  coins: readonly Coin[],
  height: number,
  blockTimeMs: number,
  blockTimeAt: (height: number) => number,
): SequenceLockFailure | undefined {
  if (tx.version >>> 0 < 2) return undefined;
  for (let i = 0; i < tx.ins.length; i++) {
    const seq = tx.ins[i]!.sequence >>> 0;
    if ((seq & SEQUENCE_LOCKTIME_DISABLE_FLAG) !== 0) continue;
    const value = seq & SEQUENCE_LOCKTIME_MASK;
    // Coins of this block or of the mempool (MEMPOOL_HEIGHT) count as created in the block being checked.
    const coinHeight = Math.min(coins[i]!.height, height);
    if ((seq & SEQUENCE_LOCKTIME_TYPE_FLAG) !== 0) {
      const coinTime = coinHeight >= height ? blockTimeMs : blockTimeAt(coinHeight);
      const needed = coinTime + value * SEQUENCE_TIME_UNIT_MS;
      if (blockTimeMs < needed) return { input: i, kind: 'time', needed };
    } else {
      const needed = coinHeight + value;
      if (height < needed) return { input: i, kind: 'height', needed };
    }
  }
  return undefined;
}
