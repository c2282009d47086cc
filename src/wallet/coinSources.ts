/**
 * Two `CoinSource` implementations: `indexCoinSource`, the adapter the node wires over its store's
 * address index and its mempool, and `MemoryCoinSource`, a small in-memory UTXO list for tests and
 * tools that follows transactions as they are "mined" or "pooled".
 */
import type { Transaction } from 'bitcoinjs-lib';
import { MEMPOOL_HEIGHT } from '../chain/mempool/view.ts';
import { outpointKeyFast } from '../chain/state/key.ts';
import { isUnspendable } from '../chain/state/overlay.ts';
import type { Coin, CoinEntry, OutPoint } from '../chain/state/types.ts';
import { toHex } from '../util/bytes.ts';
import type { CoinSnapshot, CoinSource, SourceCoin, WalletAddressKey } from './coins.ts';
import { ownedScript } from './scripts.ts';

/** The mempool queries `indexCoinSource` makes (what `Mempool` in src/chain/mempool provides). */
export interface MempoolCoinQueries {
  /** Txid of the pool transaction spending `outpoint`, if any. */
  spenderOf(outpoint: OutPoint): Uint8Array | undefined;
  /** Txids in the pool (parents before children). */
  txids(): Uint8Array[];
  /** A pool transaction by txid. */
  get(txid: Uint8Array): Transaction | undefined;
}

/** What `indexCoinSource` reads. */
export interface IndexCoinSourceDeps {
  /** Height of the chain tip the index is at. */
  tipHeight(): number;
  /** Confirmed unspent outputs filed under an address key (the store's `getAddressUtxos`). */
  addressUtxos(key: WalletAddressKey): readonly CoinEntry[];
  /** The mempool, when the node has one. */
  readonly mempool?: MempoolCoinQueries | undefined;
  /** Transaction txid (default: bitcoinjs `getHash`); the node passes its cached `txidOf`. */
  readonly txidOf?: (tx: Transaction) => Uint8Array;
}

/**
 * A coin source over the node's address index and mempool: confirmed coins from the index (flagged
 * `spentInMempool` when a pool transaction spends them) plus the unspent outputs of pool transactions
 * paying to the asked keys by P2PKH or P2PK (at `MEMPOOL_HEIGHT`).
 * Example: `indexCoinSource({ tipHeight: () => store.tipHeight(), addressUtxos: (k) => store.getAddressUtxos(k), mempool })`.
 */
export function indexCoinSource(deps: IndexCoinSourceDeps): CoinSource {
  const txidOf = deps.txidOf ?? ((tx: Transaction) => Uint8Array.from(tx.getHash()));
  return {
    listCoins(keys: readonly WalletAddressKey[]): CoinSnapshot {
      const tipHeight = deps.tipHeight();
      const pool = deps.mempool;
      const coins: SourceCoin[] = [];
      for (const k of keys) {
        for (const e of deps.addressUtxos(k)) {
          const spent = pool !== undefined && pool.spenderOf(e.outpoint) !== undefined;
          coins.push(spent ? { ...e, spentInMempool: true } : e);
        }
      }
      if (pool !== undefined && keys.length > 0) {
        const wanted = new Set(keys.map((k) => toHex(k.hash)));
        for (const txid of pool.txids()) {
          const tx = pool.get(txid);
          if (tx === undefined) continue;
          const id = txidOf(tx);
          for (let vout = 0; vout < tx.outs.length; vout++) {
            const o = tx.outs[vout]!;
            const s = ownedScript(o.script);
            if (s === null || !wanted.has(toHex(s.hash))) continue;
            const outpoint = { txid: id, vout };
            const coin: Coin = { value: o.value, script: o.script, height: MEMPOOL_HEIGHT, coinbase: false };
            coins.push(pool.spenderOf(outpoint) !== undefined ? { outpoint, coin, spentInMempool: true } : { outpoint, coin });
          }
        }
      }
      return { tipHeight, coins };
    },
  };
}

/**
 * An in-memory coin source: a list of unspent coins, a tip height, and mempool spends. `apply` follows
 * a transaction into a block or into the "mempool". Example:
 * `const src = new MemoryCoinSource(10); src.add(outpoint, coin); wallet.listUnspent()`.
 */
export class MemoryCoinSource implements CoinSource {
  /** Chain tip height. */
  tipHeight: number;
  private readonly coins = new Map<string, { entry: CoinEntry; spentInMempool: boolean }>();

  constructor(tipHeight = 0) {
    this.tipHeight = tipHeight;
  }

  /** Adds an unspent coin (replacing one at the same outpoint). */
  add(outpoint: OutPoint, coin: Coin): void {
    this.coins.set(outpointKeyFast(outpoint), { entry: { outpoint: { txid: outpoint.txid.slice(), vout: outpoint.vout }, coin }, spentInMempool: false });
  }

  /** Removes a coin (spent in a block). */
  remove(outpoint: OutPoint): void {
    this.coins.delete(outpointKeyFast(outpoint));
  }

  /** Marks a coin as spent by a mempool transaction. */
  markSpentInMempool(outpoint: OutPoint): void {
    const c = this.coins.get(outpointKeyFast(outpoint));
    if (c !== undefined) c.spentInMempool = true;
  }

  /**
   * Follows `tx`: with a `height`, its inputs are removed and its outputs added at that height (a
   * block); with `'mempool'`, its inputs are marked spent in the mempool and its outputs added at
   * `MEMPOOL_HEIGHT`. OP_RETURN outputs are never coins.
   */
  apply(tx: Transaction, where: number | 'mempool', coinbase = false): void {
    const txid = Uint8Array.from(tx.getHash());
    for (const i of tx.ins) {
      const op = { txid: Uint8Array.from(i.hash), vout: i.index };
      if (where === 'mempool') this.markSpentInMempool(op);
      else this.remove(op);
    }
    const height = where === 'mempool' ? MEMPOOL_HEIGHT : where;
    tx.outs.forEach((o, vout) => {
      if (!isUnspendable(o.script)) this.add({ txid, vout }, { value: o.value, script: o.script, height, coinbase });
    });
  }

  /** Every unspent coin held (in insertion order). */
  entries(): CoinEntry[] {
    return [...this.coins.values()].map((c) => c.entry);
  }

  listCoins(keys: readonly WalletAddressKey[]): CoinSnapshot {
    const wanted = new Set(keys.map((k) => toHex(k.hash)));
    const coins: SourceCoin[] = [];
    for (const { entry, spentInMempool } of this.coins.values()) {
      const s = ownedScript(entry.coin.script);
      if (s === null || !wanted.has(toHex(s.hash))) continue;
      coins.push(spentInMempool ? { ...entry, spentInMempool } : entry);
    }
    return { tipHeight: this.tipHeight, coins };
  }
}

