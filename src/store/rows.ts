/**
 * Small conversions between JavaScript values and SQLite row values shared by the store's files.
 */
import type { AddressKeyKind } from '../chain/scriptKeys.ts';

/** Address kind numbers in `txout.addr_kind` (Komodo's address index types: P2PKH 1, P2SH 2, CC 3). */
export const ADDR_KIND_CODE: Readonly<Record<AddressKeyKind, number>> = Object.freeze({ pubkeyhash: 1, scripthash: 2, cc: 3 });

/** The address kind of an `addr_kind` number, or undefined. */
export function addrKindName(code: number): AddressKeyKind | undefined {
  return code === 1 ? 'pubkeyhash' : code === 2 ? 'scripthash' : code === 3 ? 'cc' : undefined;
}

/** A plain `Uint8Array` view of a blob SQLite returned (a Node Buffer), without copying. */
export function u8(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** A Buffer view of bytes (for fast string keys). */
function buf(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** A compact string key of bytes for Maps (latin1, one char per byte). */
export function bytesKey(b: Uint8Array): string {
  return buf(b).toString('latin1');
}

/** Display hex of a txid (reversed, as RPC prints it). */
export function txidHex(txid: Uint8Array): string {
  return Buffer.from(txid).reverse().toString('hex');
}

/** SQLite integer (number or bigint) as a number. */
export function num(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

/** SQLite integer (number or bigint) as a bigint. */
export function big(v: unknown): bigint {
  return typeof v === 'bigint' ? v : BigInt(v as number);
}
