/**
 * Fast string keys for txids and outpoints. `outpointKeyFast` returns exactly what `outpointKey` in
 * types.ts returns (64 lower-case hex digits of the internal-order txid, ':' and the index), through a
 * byte-to-hex table, so the hot paths of views and the mempool can build keys without `toString(16)`
 * per byte; `txidKey` lets a caller hash a txid to hex once and derive every output's key from it.
 */
import type { OutPoint } from './types.ts';

const HEX2: readonly string[] = Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16));

/** Node's native hex encoder, called on a plain Uint8Array (no Buffer object per call); undefined where absent. */
const nativeHex = (Buffer.prototype as unknown as { hexSlice?: (this: Uint8Array, start: number, end: number) => string }).hexSlice;

/**
 * 64 hex digits of a 32-byte txid in internal byte order (the key form, not display order). Node's
 * native hex encoder gives a flat string (cheaper to hash as a Map key than a concatenation).
 */
export function txidKey(txid: Uint8Array): string {
  if (txid.length >= 32) return nativeHex !== undefined ? nativeHex.call(txid, 0, 32) : Buffer.from(txid.buffer, txid.byteOffset, 32).toString('hex');
  let s = '';
  for (let i = 0; i < 32; i++) s += HEX2[txid[i]!];
  return s;
}

/** The key of output `vout` of the transaction whose `txidKey` is `txidHex`. */
export function keyOf(txidHex: string, vout: number): string {
  return `${txidHex}:${vout}`;
}

/** Same result as `outpointKey` (types.ts), faster. Example: `outpointKeyFast({txid, vout: 1})` ends in `':1'`. */
export function outpointKeyFast(op: OutPoint): string {
  return `${txidKey(op.txid)}:${op.vout}`;
}

/** Display hex of a txid (reversed byte order, as explorers and RPC print it). */
export function displayTxid(txid: Uint8Array): string {
  let s = '';
  for (let i = txid.length - 1; i >= 0; i--) s += HEX2[txid[i]!];
  return s;
}

/** `txid:vout` with the txid in display order, for messages. */
export function displayOutpoint(op: OutPoint): string {
  return `${displayTxid(op.txid)}:${op.vout}`;
}
