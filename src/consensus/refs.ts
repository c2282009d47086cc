/**
 * Small helpers on block references: map keys, equality, ordering by slot, and the null reference
 * genesis uses for its claims.
 */
import { equalBytes, toHex } from '../util/bytes.ts';
import type { BlockRef } from '../chain/block/types.ts';

/** The reference genesis uses for justify and finalRef: id all zero, num 0, slot 0. */
export const NULL_REF: BlockRef = Object.freeze({ id: new Uint8Array(32), num: 0, slot: 0 });

/** A string key of a block id (lower-case hex), for maps. Example: `idKey(new Uint8Array([1, 255])) === '01ff'`. */
export function idKey(id: Uint8Array): string {
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');
}

/** True when two references name the same block (same id, num and slot). */
export function sameRef(a: BlockRef, b: BlockRef): boolean {
  return a.num === b.num && a.slot === b.slot && equalBytes(a.id, b.id);
}

/** A copy of a reference (so callers may keep it after the source object changes). */
export function copyRef(r: BlockRef): BlockRef {
  return { id: r.id.slice(), num: r.num, slot: r.slot };
}

/** Short human form `num@slot:idprefix`, for messages and logs. */
export function showRef(r: BlockRef): string {
  return `${r.num}@${r.slot}:${toHex(r.id.subarray(0, 4))}`;
}
