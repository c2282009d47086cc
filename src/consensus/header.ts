/**
 * Block ids and producer signatures through the consensus signature scheme. `headerId` memoises
 * `blockId` per header object (headers are immutable values), because the fork database, the
 * evidence checks and the simulator ask for the same id many times.
 */
import { blockId } from '../chain/block/sign.ts';
import type { BlockHeader, BlockRef } from '../chain/block/types.ts';
import type { SignatureScheme } from './scheme.ts';

const ids = new WeakMap<BlockHeader, Uint8Array>();

/** The block id of a header (`blockId`, cached per object). Throws on an unencodable header. */
export function headerId(h: BlockHeader): Uint8Array {
  let id = ids.get(h);
  if (id === undefined) {
    id = blockId(h);
    ids.set(h, id);
  }
  return id;
}

/** The `{id, num, slot}` reference of a header. */
export function headerRef(h: BlockHeader): BlockRef {
  return { id: headerId(h), num: h.num, slot: h.slot };
}

/**
 * The header with `producerSig` set by `scheme` over its id. With `BIP340` this equals
 * `signBlockHeader(h, k, new Uint8Array(32))`. Example: `signHeader(h, key, BIP340)`.
 */
export function signHeader(h: BlockHeader, privateKey: Uint8Array, scheme: SignatureScheme): BlockHeader {
  const id = headerId(h);
  const signed = { ...h, producerSig: scheme.sign(id, privateKey) };
  ids.set(signed, id);
  return signed;
}

/** True when the header's signature verifies under `key` with `scheme`. Never throws. */
export function headerSignatureValid(h: BlockHeader, key: Uint8Array, scheme: SignatureScheme): boolean {
  let id: Uint8Array;
  try {
    id = headerId(h);
  } catch {
    return false;
  }
  return scheme.verify(h.producerSig, key, id);
}
