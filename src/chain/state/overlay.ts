/**
 * A UTXO overlay (Bitcoin Core's `CCoinsViewCache` idea): coins added and spent are layered over a
 * read-only base view, the base is never written, and the changes can be read out as lists or flushed
 * into a mutable set. Block connection uses one overlay per block ("chain + earlier transactions of
 * this block"); base reads are cached so each input costs one base lookup even though it is read to
 * validate and again to spend.
 */
import { CchostError } from '../../util/errors.ts';
import { keyOf, outpointKeyFast, txidKey } from './key.ts';
import type { MutableUtxoSet } from './memoryView.ts';
import type { Coin, CoinEntry, OutPoint, UtxoView } from './types.ts';

/** One cached or changed outpoint. */
interface Slot {
  readonly outpoint: OutPoint;
  /** The coin now, or undefined when it has been spent in this overlay. */
  coin: Coin | undefined;
  /** True when the coin was created in this overlay (not present in the base). */
  readonly fresh: boolean;
  /** The base coin as it was, for spent base coins (the undo record). */
  readonly original: Coin | undefined;
}

/** What a spend removed: the coin and whether it was created inside this overlay. */
export interface OverlaySpend {
  readonly coin: Coin;
  /** True when the coin was created in this overlay (a same-block spend). */
  readonly fresh: boolean;
}

/** The net changes of an overlay against its base. */
export interface OverlayChanges {
  /** Coins created in the overlay and still unspent, in creation order. */
  readonly created: readonly CoinEntry[];
  /** Base coins spent in the overlay, as they were, in spending order. */
  readonly spent: readonly CoinEntry[];
}

/**
 * Adds and spends over a base view. Example:
 * `const o = new CoinsOverlay(chain); o.addCoin(op, coin); o.spendCoin(other); o.changes()`.
 */
export class CoinsOverlay implements UtxoView {
  private readonly slots = new Map<string, Slot>();
  /** Keys of base coins spent, in spending order (for `changes().spent`). */
  private readonly spentOrder: string[] = [];

  /** Layers over `base`, which is only read. */
  constructor(readonly base: UtxoView) {}

  /** The coin at `outpoint` as this overlay sees it. */
  getCoin(outpoint: OutPoint): Coin | undefined {
    return this.getCoinByKey(outpointKeyFast(outpoint), outpoint);
  }

  /** `getCoin` with the key already computed (`outpointKey` form). */
  getCoinByKey(key: string, outpoint: OutPoint): Coin | undefined {
    const s = this.slots.get(key);
    if (s !== undefined) return s.coin;
    const coin = this.base.getCoin(outpoint);
    if (coin !== undefined) this.slots.set(key, { outpoint, coin, fresh: false, original: coin });
    return coin;
  }

  /** Adds a new coin; throws `STATE_COIN_EXISTS` when the outpoint already holds an unspent coin. */
  addCoin(outpoint: OutPoint, coin: Coin, key: string = outpointKeyFast(outpoint)): void {
    const s = this.slots.get(key);
    const existing = s !== undefined ? s.coin : this.base.getCoin(outpoint);
    if (existing !== undefined) throw new CchostError('STATE_COIN_EXISTS', `outpoint ${key} already holds an unspent coin`, { outpoint: key });
    if (s !== undefined && !s.fresh) {
      // A base coin spent here and now recreated: impossible with unique txids; refuse rather than guess.
      throw new CchostError('STATE_COIN_EXISTS', `outpoint ${key} was spent in this overlay and cannot be recreated`, { outpoint: key });
    }
    this.slots.set(key, { outpoint, coin, fresh: true, original: undefined });
  }

  /**
   * Adds every output of a transaction except unspendable ones (`isUnspendable`), keyed from `txidHex`.
   * The base is not asked whether the outputs exist: a txid is never reused (BIP34 puts the height in
   * every coinbase, the chain id in genesis, and other transactions spend distinct coins), which is
   * why Core skips its BIP30 check too; this saves one base (database) read per output. Outputs
   * already created in this overlay are still refused (STATE_COIN_EXISTS).
   */
  addOutputs(txid: Uint8Array, outs: readonly { readonly value: bigint; readonly script: Uint8Array }[], height: number, coinbase: boolean, txidHex: string = txidKey(txid)): void {
    for (let vout = 0; vout < outs.length; vout++) {
      const o = outs[vout]!;
      if (isUnspendable(o.script)) continue;
      const key = keyOf(txidHex, vout);
      if (this.slots.has(key)) throw new CchostError('STATE_COIN_EXISTS', `outpoint ${key} already exists in this overlay`, { outpoint: key });
      this.slots.set(key, { outpoint: { txid, vout }, coin: { value: o.value, script: o.script, height, coinbase }, fresh: true, original: undefined });
    }
  }

  /** Spends the coin at `outpoint`; undefined when there is no unspent coin there. */
  spendCoin(outpoint: OutPoint, key: string = outpointKeyFast(outpoint)): OverlaySpend | undefined {
    const coin = this.getCoinByKey(key, outpoint);
    if (coin === undefined) return undefined;
    const s = this.slots.get(key)!;
    if (s.fresh) {
      // Created and spent here: the base never sees it, so forget it entirely.
      this.slots.delete(key);
      return { coin, fresh: true };
    }
    s.coin = undefined;
    this.spentOrder.push(key);
    return { coin, fresh: false };
  }

  /** The net changes: created coins still unspent, and the base coins spent (as they were). */
  changes(): OverlayChanges {
    const created: CoinEntry[] = [];
    for (const s of this.slots.values()) if (s.fresh && s.coin !== undefined) created.push({ outpoint: s.outpoint, coin: s.coin });
    const spent: CoinEntry[] = this.spentOrder.map((k) => {
      const s = this.slots.get(k)!;
      return { outpoint: s.outpoint, coin: s.original! };
    });
    return { created, spent };
  }

  /** Writes the net changes into `target` (normally the set this overlay's base reads): spends first, then adds. */
  flushTo(target: MutableUtxoSet): void {
    const { created, spent } = this.changes();
    for (const e of spent) target.spendCoin(e.outpoint);
    for (const e of created) target.addCoin(e.outpoint, e.coin);
  }
}

/** Largest script an output may have and still be spendable (Core's MAX_SCRIPT_SIZE). */
const MAX_SCRIPT_SIZE = 10_000;

/**
 * Core's `CScript::IsUnspendable`: an output script starting with OP_RETURN, or longer than 10,000
 * bytes, can never be spent, so it is never added to the UTXO set.
 */
export function isUnspendable(script: Uint8Array): boolean {
  return (script.length > 0 && script[0] === 0x6a) || script.length > MAX_SCRIPT_SIZE;
}
