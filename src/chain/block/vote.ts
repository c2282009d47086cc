/**
 * What a finalizer signs when it votes (CONSENSUS.md §5.2, §5.9). The preimage is
 *
 *   chainId32 ‖ u8 phase (1 PREPARE, 2 COMMIT) ‖ blockId32 ‖ u32 num ‖ u32 slot ‖
 *   u32 activeVersion ‖ u32 pendingVersion                                      (85 bytes)
 *
 * and the signed message is its BIP-340 tagged hash under "CCHOST/PREPARE/v1" or "CCHOST/COMMIT/v1".
 * The tag and the phase byte keep a vote of one phase from counting as the other or as a block
 * signature; the chain id keeps it from counting on another chain. QC validity is the consensus layer's.
 */
import { schnorrSign, schnorrVerify } from '../../crypto/secp256k1.ts';
import { taggedHash } from '../../crypto/hash.ts';
import { ByteWriter } from '../codec/writer.ts';
import { COMMIT_TAG, PREPARE_TAG } from '../params.ts';
import { phaseByte } from './qc.ts';
import type { BlockRef, Phase } from './types.ts';

/** What a vote is about. */
export interface VoteSubject {
  readonly chainId: Uint8Array;
  readonly phase: Phase;
  readonly block: BlockRef;
  readonly activeVersion: number;
  /** 0 = no pending schedule. */
  readonly pendingVersion: number;
}

/** The tagged-hash domain of a phase. */
export function voteTag(phase: Phase): string {
  return phase === 'PREPARE' ? PREPARE_TAG : COMMIT_TAG;
}

/** The 85-byte vote preimage (see the file comment). Throws `CODEC_RANGE` on out-of-range fields. */
export function voteSigningBytes(v: VoteSubject): Uint8Array {
  const w = new ByteWriter(85);
  w.raw(v.chainId, 32).u8(phaseByte(v.phase)).raw(v.block.id, 32).u32(v.block.num).u32(v.block.slot);
  w.u32(v.activeVersion).u32(v.pendingVersion);
  return w.bytes();
}

/** The 32-byte message a vote signature signs: taggedHash(voteTag(phase), voteSigningBytes(v)). */
export function voteDigest(v: VoteSubject): Uint8Array {
  return taggedHash(voteTag(v.phase), voteSigningBytes(v));
}

/** Signs a vote with a producer's private key (BIP-340). Throws `CRYPTO_BAD_KEY`. */
export function signVote(v: VoteSubject, privateKey: Uint8Array, auxRand?: Uint8Array): Uint8Array {
  return schnorrSign(voteDigest(v), privateKey, auxRand);
}

/** True when `sig` is `voterKey`'s valid vote signature on `v`. Never throws. */
export function verifyVote(v: VoteSubject, sig: Uint8Array, voterKey: Uint8Array): boolean {
  let digest: Uint8Array;
  try {
    digest = voteDigest(v);
  } catch {
    return false;
  }
  return schnorrVerify(sig, voterKey, digest);
}
