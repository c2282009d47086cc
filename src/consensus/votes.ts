/**
 * Creating, checking and encoding votes. A vote signs `voteDigest` (src/chain/block/vote.ts): the
 * BIP-340 tagged hash under "CCHOST/PREPARE/v1" or "CCHOST/COMMIT/v1" of chainId ‖ phase ‖ block ‖
 * activeVersion ‖ pendingVersion, so no vote counts for another phase, block, schedule or chain.
 *
 * Wire form: u8 phase ‖ id32 ‖ u32 num ‖ u32 slot ‖ u32 activeVersion ‖ u32 pendingVersion ‖
 * u8 len ‖ voter name ‖ sig64.
 */
import { ByteReader, DecodeFailure } from '../chain/codec/reader.ts';
import { ByteWriter } from '../chain/codec/writer.ts';
import { NAME_RE } from '../chain/params.ts';
import { phaseByte, readRef, writeRef } from '../chain/block/qc.ts';
import { voteDigest } from '../chain/block/vote.ts';
import type { BlockRef, Phase, Schedule } from '../chain/block/types.ts';
import { equalBytes, toHex } from '../util/bytes.ts';
import { ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { ConsensusErrorCode, fail } from './errors.ts';
import type { ConsensusError } from './errors.ts';
import { memberIndex } from './schedule.ts';
import type { SignatureScheme } from './scheme.ts';
import type { HeaderState, Vote } from './types.ts';

/** The schedules a block is voted under: its active set and, while one exists, its pending set. */
export interface VotingSets {
  readonly chainId: Uint8Array;
  readonly active: Schedule;
  readonly pending?: Schedule | undefined;
}

/** The voting sets of a block from its header state. */
export function votingSets(chainId: Uint8Array, state: HeaderState): VotingSets {
  return { chainId, active: state.active, pending: state.pending?.schedule };
}

const DIGEST_CACHE_SIZE = 4096;
const digestCache = new Map<string, { chainId: Uint8Array; digest: Uint8Array }>();

/**
 * The digest a vote of `phase` on `block` signs under the given sets. Memoised (a bounded cache of
 * a pure function): every finalizer's vote on a block signs the same digest, and a tagged hash costs
 * far more than the lookup. Throws on out-of-range fields.
 */
export function voteDigestFor(sets: VotingSets, phase: Phase, block: BlockRef): Uint8Array {
  return cachedVoteDigest(sets.chainId, phase, block, sets.active.version, sets.pending?.version ?? 0);
}

/** `voteDigest` of src/chain/block/vote.ts through the same bounded cache. Throws on out-of-range fields. */
export function cachedVoteDigest(chainId: Uint8Array, phase: Phase, block: BlockRef, activeVersion: number, pendingVersion: number): Uint8Array {
  const key = `${phase}:${toHex(block.id)}:${block.num}:${block.slot}:${activeVersion}:${pendingVersion}`;
  const hit = digestCache.get(key);
  if (hit !== undefined && equalBytes(hit.chainId, chainId)) return hit.digest;
  const digest = voteDigest({ chainId, phase, block, activeVersion, pendingVersion });
  digestCache.set(key, { chainId, digest });
  if (digestCache.size > DIGEST_CACHE_SIZE) digestCache.delete(digestCache.keys().next().value!);
  return digest;
}

/**
 * Signs a vote. Example: `makeVote(sets, 'PREPARE', ref, 'alice', aliceKey, BIP340)`; the voter should be
 * in `sets.active` or `sets.pending` (not checked here).
 */
export function makeVote(sets: VotingSets, phase: Phase, block: BlockRef, voter: string, privateKey: Uint8Array, scheme: SignatureScheme): Vote {
  const sig = scheme.sign(voteDigestFor(sets, phase, block), privateKey);
  return { phase, block, activeVersion: sets.active.version, pendingVersion: sets.pending?.version ?? 0, voter, sig };
}

/** Where a checked voter sits: its index in the active set and in the pending set (−1 = not a member). */
export interface VoterSeat {
  readonly activeIndex: number;
  readonly pendingIndex: number;
}

/**
 * Checks a vote against its block's voting sets: versions equal the block's, the voter is a member of
 * at least one set, and the signature verifies. Never throws.
 */
export function checkVote(vote: Vote, sets: VotingSets, scheme: SignatureScheme): Result<VoterSeat, ConsensusError> {
  const pv = sets.pending?.version ?? 0;
  if (vote.activeVersion !== sets.active.version || vote.pendingVersion !== pv) {
    return fail(ConsensusErrorCode.VOTE_WRONG_VERSION, `vote versions ${vote.activeVersion}/${vote.pendingVersion}, block ${sets.active.version}/${pv}`);
  }
  const activeIndex = memberIndex(sets.active, vote.voter);
  const pendingIndex = sets.pending !== undefined ? memberIndex(sets.pending, vote.voter) : -1;
  if (activeIndex < 0 && pendingIndex < 0) {
    return fail(ConsensusErrorCode.VOTE_NOT_MEMBER, `${vote.voter} is not in schedule ${sets.active.version}${pv ? ` or ${pv}` : ''}`);
  }
  const key = activeIndex >= 0 ? sets.active.producers[activeIndex]!.key : sets.pending!.producers[pendingIndex]!.key;
  let digest: Uint8Array;
  try {
    digest = voteDigestFor(sets, vote.phase, vote.block);
  } catch {
    return fail(ConsensusErrorCode.VOTE_MALFORMED, 'the vote has out-of-range fields');
  }
  if (!scheme.verify(vote.sig, key, digest)) return fail(ConsensusErrorCode.VOTE_BAD_SIGNATURE, `${vote.voter}'s vote signature does not verify`);
  return ok({ activeIndex, pendingIndex });
}

/** Serializes a vote for the wire (see the file comment). Throws on out-of-range fields (a programming error). */
export function encodeVote(v: Vote): Uint8Array {
  const w = new ByteWriter(160);
  w.u8(phaseByte(v.phase));
  writeRef(w, v.block);
  w.u32(v.activeVersion).u32(v.pendingVersion);
  w.u8(v.voter.length);
  for (let i = 0; i < v.voter.length; i++) w.u8(v.voter.charCodeAt(i));
  w.raw(v.sig, 64);
  return w.bytes();
}

const VOTE_CODES = {
  truncated: ConsensusErrorCode.VOTE_MALFORMED,
  nonCanonical: ConsensusErrorCode.VOTE_MALFORMED,
  limit: ConsensusErrorCode.VOTE_MALFORMED,
};

/** Parses a vote that fills `bytes` exactly. Never throws. */
export function decodeVote(bytes: Uint8Array): Result<Vote, ConsensusError> {
  const r: ByteReader = new ByteReader(bytes, VOTE_CODES);
  try {
    const pb = r.u8();
    const phase: Phase | undefined = pb === 1 ? 'PREPARE' : pb === 2 ? 'COMMIT' : undefined;
    if (phase === undefined) r.fail(ConsensusErrorCode.VOTE_MALFORMED, `phase byte ${pb}`);
    const block = readRef(r);
    const activeVersion = r.u32();
    const pendingVersion = r.u32();
    const len = r.bound(r.u8(), 32, 'voter name length');
    let voter = '';
    for (const c of r.raw(len)) voter += String.fromCharCode(c);
    if (!NAME_RE.test(voter)) r.fail(ConsensusErrorCode.VOTE_MALFORMED, `voter name ${JSON.stringify(voter)}`);
    const sig = r.raw(64);
    r.end(ConsensusErrorCode.VOTE_MALFORMED);
    return ok({ phase, block, activeVersion, pendingVersion, voter, sig });
  } catch (e) {
    if (e instanceof DecodeFailure) return fail(ConsensusErrorCode.VOTE_MALFORMED, `vote: ${e.message}`, { offset: e.offset });
    throw e;
  }
}
