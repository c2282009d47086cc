/**
 * A txid cache: each `Transaction` object is hashed at most once (double SHA-256 of its legacy
 * serialization). Block connection, the mempool and block assembly all ask for txids; with this cache
 * a transaction that travelled from the mempool into a block is never re-serialized or re-hashed.
 *
 * A cached txid would go stale if the transaction changed afterwards, so `txidOf` freezes the
 * transaction (the object, its `ins` and `outs` arrays and each input and output): a later
 * `setInputScript`, `addInput` or field assignment throws a TypeError instead of silently leaving a
 * wrong txid behind. Take the txid only of finished (signed) transactions; `tx.clone()` gives a
 * mutable copy.
 */
import type { Transaction } from 'bitcoinjs-lib';

const cache = new WeakMap<Transaction, Uint8Array>();

function freeze(tx: Transaction): void {
  for (const i of tx.ins) Object.freeze(i);
  for (const o of tx.outs) Object.freeze(o);
  Object.freeze(tx.ins);
  Object.freeze(tx.outs);
  Object.freeze(tx);
}

/**
 * The 32-byte txid of `tx` in internal byte order, computed once per object; freezes `tx` (see the
 * file comment). Example: `displayTxid(txidOf(tx))` is what explorers show.
 */
export function txidOf(tx: Transaction): Uint8Array {
  let id = cache.get(tx);
  if (id === undefined) {
    const h = tx.getHash();
    id = new Uint8Array(h.buffer, h.byteOffset, h.byteLength).slice();
    freeze(tx);
    cache.set(tx, id);
  }
  return id;
}

/**
 * Records `txid` as the txid of `tx` when the caller hashed the transaction's exact legacy bytes
 * already (the block decoder does: it has checked that the bytes are the canonical serialization), so
 * `txidOf` never re-serializes it. Freezes `tx` like `txidOf`.
 */
export function rememberTxid(tx: Transaction, txid: Uint8Array): void {
  if (cache.has(tx)) return;
  freeze(tx);
  cache.set(tx, txid);
}
