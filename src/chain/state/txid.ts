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
 *
 * A decoder that parsed the transaction from its canonical bytes leaves the bytes here
 * (`rememberTxBytes`): the txid is then the hash of those bytes, taken when first asked for, and
 * encoding a block of such transactions copies bytes instead of re-serializing each one
 * (`knownTxBytes`).
 */
import type { Transaction } from 'bitcoinjs-lib';
import { hash256 } from '../../crypto/hash.ts';

/** What is known of a transaction: its txid once taken, its bytes when a decoder had them (at least one of the two). */
interface Known {
  txid: Uint8Array | undefined;
  readonly bytes: Uint8Array | undefined;
}

const cache = new WeakMap<Transaction, Known>();

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
  const known = cache.get(tx);
  if (known !== undefined) return known.txid ?? (known.txid = hash256(known.bytes as Uint8Array));
  const h = tx.getHash();
  const txid = new Uint8Array(h.buffer, h.byteOffset, h.byteLength).slice();
  freeze(tx);
  cache.set(tx, { txid, bytes: undefined });
  return txid;
}

/**
 * The legacy serialization of `tx` as its decoder received it, or undefined when the transaction was
 * built in memory (then `tx.toBuffer()` is the way). Never modify the result: it may be a view of a
 * block's bytes.
 */
export function knownTxBytes(tx: Transaction): Uint8Array | undefined {
  return cache.get(tx)?.bytes;
}

/**
 * Records `bytes` as the legacy serialization of `tx`, for a decoder that has checked they are the
 * canonical form: `txidOf` hashes them (once, when first asked) instead of re-serializing `tx`, and
 * `knownTxBytes` returns them. The bytes must not change afterwards. Freezes `tx` like `txidOf`.
 */
export function rememberTxBytes(tx: Transaction, bytes: Uint8Array): void {
  if (cache.has(tx)) return;
  freeze(tx);
  cache.set(tx, { txid: undefined, bytes });
}
