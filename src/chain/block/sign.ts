/**
 * Block ids and producer signatures (CONSENSUS.md §5.9).
 *
 *   id  = taggedHash("CCHOST/BLOCK/v1", unsigned header bytes)   (the header without producerSig;
 *         the chain id is the header's second field, so it is inside every id)
 *   sig = BIP-340 Schnorr over the 32-byte id with the producer's key
 *
 * The id does not cover the signature: it is known before signing, and the same header signed twice
 * (BIP-340 signatures depend on aux randomness) is the same block. The domain tag differs from the
 * PREPARE/COMMIT vote tags, so no block signature verifies as a vote or the reverse.
 */
import { schnorrSign, schnorrVerify } from '../../crypto/secp256k1.ts';
import { taggedHash } from '../../crypto/hash.ts';
import { BLOCK_TAG } from '../params.ts';
import { encodeUnsignedHeader } from './header.ts';
import type { BlockHeader, BlockRef } from './types.ts';

/** The 32-byte block id of a header (the producer signature is not part of it). */
export function blockId(header: BlockHeader): Uint8Array {
  return taggedHash(BLOCK_TAG, encodeUnsignedHeader(header));
}

/** The reference `{id, num, slot}` of a header. */
export function blockRef(header: BlockHeader): BlockRef {
  return { id: blockId(header), num: header.num, slot: header.slot };
}

/**
 * Returns the header with `producerSig` set: BIP-340 over `blockId(header)` with `privateKey`.
 * `auxRand` (32 bytes) makes the signature deterministic, e.g. in tests. Throws `CRYPTO_BAD_KEY`.
 * Example: `verifyBlockSignature(signBlockHeader(h, k), xOnlyPublicKeyFromPrivate(k))` is `true`.
 */
export function signBlockHeader(header: BlockHeader, privateKey: Uint8Array, auxRand?: Uint8Array): BlockHeader {
  const producerSig = schnorrSign(blockId(header), privateKey, auxRand);
  return { ...header, producerSig };
}

/** True when `header.producerSig` is a valid BIP-340 signature of its id by the 32-byte x-only `producerKey`. Never throws. */
export function verifyBlockSignature(header: BlockHeader, producerKey: Uint8Array): boolean {
  let id: Uint8Array;
  try {
    id = blockId(header);
  } catch {
    return false; // an unencodable header has no valid signature
  }
  return schnorrVerify(header.producerSig, producerKey, id);
}
