/**
 * "Chain + mempool" as a `UtxoView`: an outpoint spent by a mempool transaction is gone, an output of
 * a mempool transaction is a coin at `MEMPOOL_HEIGHT`, anything else comes from the chain view. It
 * reads the mempool's indexes directly, so no coins are copied. With `ignoreSpender` the coins that
 * one entry spends count as unspent (used to re-validate that entry in place).
 */
import { isUnspendable } from '../state/overlay.ts';
import { keyOf, txidKey } from '../state/key.ts';
import type { Coin, OutPoint, UtxoView } from '../state/types.ts';
import type { MempoolEntry } from './entry.ts';

/** Height given to coins of unconfirmed transactions (Core's MEMPOOL_HEIGHT); treated as "the next block". */
export const MEMPOOL_HEIGHT = 0x7fffffff;

/** The mempool indexes the view reads. */
export interface PoolIndex {
  /** Entries by `txidKey`. */
  readonly byKey: ReadonlyMap<string, MempoolEntry>;
  /** The entry spending each outpoint, by `outpointKey`. */
  readonly spentBy: ReadonlyMap<string, MempoolEntry>;
}

/** Chain plus mempool. Example: `new MempoolView(chainView, pool).getCoin(op)`. */
export class MempoolView implements UtxoView {
  constructor(
    private readonly base: UtxoView,
    private readonly pool: PoolIndex,
    private readonly ignoreSpender?: MempoolEntry,
  ) {}

  /** The coin at `outpoint` as chain + mempool see it. */
  getCoin(outpoint: OutPoint): Coin | undefined {
    return this.getCoinByKey(keyOf(txidKey(outpoint.txid), outpoint.vout), outpoint);
  }

  /** `getCoin` with a precomputed key. */
  getCoinByKey(key: string, outpoint: OutPoint): Coin | undefined {
    const spender = this.pool.spentBy.get(key);
    if (spender !== undefined && spender !== this.ignoreSpender) return undefined;
    const parent = this.pool.byKey.get(key.slice(0, 64));
    if (parent !== undefined) {
      const out = parent.tx.outs[outpoint.vout];
      if (out === undefined || isUnspendable(out.script)) return undefined;
      return { value: out.value, script: out.script, height: MEMPOOL_HEIGHT, coinbase: false };
    }
    return this.base.getCoin(outpoint);
  }
}
