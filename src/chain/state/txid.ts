/**
 * A txid cache: each `Transaction` object is hashed at most once (double SHA-256 of its legacy
 * serialization). Block connection, the mempool and block assembly all ask for txids; with this cache
 * a transaction that travelled from the mempool into a block is never re-serialized or re-hashed.
 * Transactions must not be mutated after their txid is taken (treat them as immutable values).
 */
import type { Transaction } from 'bitcoinjs-lib';

const cache = new WeakMap<Transaction, Uint8Array>();

/** The 32-byte txid of `tx` in internal byte order, computed once per object. */
export function txidOf(tx: Transaction): Uint8Array {
  let id = cache.get(tx);
  if (id === undefined) {
    const h = tx.getHash();
    id = new Uint8Array(h.buffer, h.byteOffset, h.byteLength).slice();
    cache.set(tx, id);
  }
  return id;
}

