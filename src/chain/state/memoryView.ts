/**
 * An in-memory UTXO set: a `Map` from outpoint key to coin. It is the `UtxoView` the tests and the
 * deterministic simulator use in place of the SQLite store, and it can be moved forward and back by
 * block deltas (`applyDelta` / `revertDelta` in delta.ts).
 */
import { CchostError } from '../../util/errors.ts';
import { outpointKeyFast } from './key.ts';
import type { Coin, CoinEntry, OutPoint, UtxoView } from './types.ts';

/** A UTXO set that can be changed coin by coin (what `applyDelta` and `CoinsOverlay.flushTo` write to). */
export interface MutableUtxoSet extends UtxoView {
  /** Adds an unspent coin; throws `STATE_COIN_EXISTS` if `outpoint` already holds one. */
  addCoin(outpoint: OutPoint, coin: Coin): void;
  /** Removes and returns the coin at `outpoint` (undefined when there is none). */
  spendCoin(outpoint: OutPoint): Coin | undefined;
}

/**
 * A Map-based UTXO set. Example:
 * `const v = new MemoryUtxoView(genesisDelta(spec).created); v.getCoin({txid, vout: 0})`.
 */
export class MemoryUtxoView implements MutableUtxoSet {
  private readonly coins = new Map<string, CoinEntry>();

  /** Starts with `entries` (e.g. the genesis allocations). */
  constructor(entries: Iterable<CoinEntry> = []) {
    for (const e of entries) this.addCoin(e.outpoint, e.coin);
  }

  /** The unspent coin at `outpoint`, or undefined. */
  getCoin(outpoint: OutPoint): Coin | undefined {
    return this.coins.get(outpointKeyFast(outpoint))?.coin;
  }

  /** True when `outpoint` holds an unspent coin. */
  has(outpoint: OutPoint): boolean {
    return this.coins.has(outpointKeyFast(outpoint));
  }

  /** Adds a coin; throws `STATE_COIN_EXISTS` when the outpoint is already unspent (never overwrite silently). */
  addCoin(outpoint: OutPoint, coin: Coin): void {
    const key = outpointKeyFast(outpoint);
    if (this.coins.has(key)) throw new CchostError('STATE_COIN_EXISTS', `outpoint ${key} already holds an unspent coin`, { outpoint: key });
    this.coins.set(key, { outpoint: { txid: outpoint.txid, vout: outpoint.vout }, coin });
  }

  /** Removes and returns the coin at `outpoint`. */
  spendCoin(outpoint: OutPoint): Coin | undefined {
    const key = outpointKeyFast(outpoint);
    const e = this.coins.get(key);
    if (e === undefined) return undefined;
    this.coins.delete(key);
    return e.coin;
  }

  /** Number of unspent coins. */
  get size(): number {
    return this.coins.size;
  }

  /** Every coin with its outpoint, in insertion order. */
  entries(): IterableIterator<CoinEntry> {
    return this.coins.values();
  }

  /** Every coin keyed by `outpointKey`, for comparing two sets in tests. */
  snapshot(): Map<string, Coin> {
    const m = new Map<string, Coin>();
    for (const [k, e] of this.coins) m.set(k, e.coin);
    return m;
  }

  /** An independent copy (coins are immutable values, so they are shared). */
  clone(): MemoryUtxoView {
    return new MemoryUtxoView(this.coins.values());
  }
}
