/**
 * Quorum certificates (§5.4): checking one against a block's voting sets, and assembling one from
 * checked votes.
 *
 * A QC for block X in phase φ is valid iff: φ and X are the ones it is presented for; its versions are
 * X's; each bitmap is exactly ceil(n/8) bytes with no bit at or past n (a bit there would be a
 * non-member); it carries one signature per set bit; no key or signature appears twice; at least
 * q(n) members of X's active set signed and, when X has a pending set, at least q(pending) members of
 * that set too; and every signature verifies over X's canonical φ-vote digest. Any one failure makes
 * the whole certificate invalid: bad signers are never skipped.
 */
import { bitmapIndices, popcount } from '../chain/block/qc.ts';
import type { BlockRef, Phase, QC, Schedule } from '../chain/block/types.ts';
import { equalBytes } from '../util/bytes.ts';
import { ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { ConsensusErrorCode, fail } from './errors.ts';
import type { ConsensusError } from './errors.ts';
import { quorum } from './params.ts';
import { sameRef, showRef } from './refs.ts';
import type { SignatureScheme } from './scheme.ts';
import { voteDigestFor } from './votes.ts';
import type { VotingSets } from './votes.ts';

/** Bytes of a signer bitmap over `n` members. */
export function bitmapBytes(n: number): number {
  return Math.ceil(n / 8);
}

/** A bitmap with the given member indices set. Example: `bitmapOf(4, [0, 2])` is `[0b0101]`. */
export function bitmapOf(n: number, indices: Iterable<number>): Uint8Array {
  const b = new Uint8Array(bitmapBytes(n));
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`signer index ${i} outside 0..${n - 1}`);
    b[i >> 3]! |= 1 << (i & 7);
  }
  return b;
}

function checkPart(
  schedule: Schedule,
  bitmap: Uint8Array,
  sigs: readonly Uint8Array[],
  digest: Uint8Array,
  scheme: SignatureScheme,
  what: string,
): Result<void, ConsensusError> {
  const n = schedule.producers.length;
  if (bitmap.length !== bitmapBytes(n)) {
    return fail(ConsensusErrorCode.QC_NON_MEMBER, `${what} bitmap is ${bitmap.length} bytes, schedule ${schedule.version} of ${n} needs ${bitmapBytes(n)}`);
  }
  const idx = bitmapIndices(bitmap);
  if (idx.length > 0 && idx[idx.length - 1]! >= n) {
    return fail(ConsensusErrorCode.QC_NON_MEMBER, `${what} bitmap names signer ${idx[idx.length - 1]} but schedule ${schedule.version} has ${n} members`);
  }
  if (sigs.length !== idx.length) {
    return fail(ConsensusErrorCode.QC_SIG_COUNT, `${what}: ${sigs.length} signatures for ${idx.length} signers`);
  }
  for (let j = 1; j < idx.length; j++) {
    const kj = schedule.producers[idx[j]!]!.key;
    for (let i = 0; i < j; i++) {
      if (equalBytes(schedule.producers[idx[i]!]!.key, kj) || equalBytes(sigs[i]!, sigs[j]!)) {
        return fail(ConsensusErrorCode.QC_DUPLICATE_SIGNER, `${what}: signers ${idx[i]} and ${idx[j]} share a key or a signature`);
      }
    }
  }
  const q = quorum(n);
  if (idx.length < q) return fail(ConsensusErrorCode.QC_NO_QUORUM, `${what}: ${idx.length} of ${n} signed, quorum is ${q}`);
  for (let j = 0; j < idx.length; j++) {
    const p = schedule.producers[idx[j]!]!;
    if (!scheme.verify(sigs[j]!, p.key, digest)) {
      return fail(ConsensusErrorCode.QC_BAD_SIGNATURE, `${what}: ${p.name}'s signature does not verify`, { signer: p.name });
    }
  }
  return ok(undefined);
}

/**
 * Checks that `qc` is a valid `phase` certificate on `block` under the block's voting sets (see the
 * file comment). Never throws. Example: `verifyQc(qc, 'COMMIT', ref, votingSets(chainId, state), BIP340)`.
 */
export function verifyQc(qc: QC, phase: Phase, block: BlockRef, sets: VotingSets, scheme: SignatureScheme): Result<void, ConsensusError> {
  if (qc.phase !== phase) return fail(ConsensusErrorCode.QC_WRONG_PHASE, `a ${qc.phase} certificate is not a ${phase} certificate`);
  if (!sameRef(qc.block, block)) return fail(ConsensusErrorCode.QC_WRONG_BLOCK, `certificate on ${showRef(qc.block)}, expected ${showRef(block)}`);
  const pv = sets.pending?.version ?? 0;
  if (qc.activeVersion !== sets.active.version || qc.pendingVersion !== pv) {
    return fail(ConsensusErrorCode.QC_WRONG_VERSION, `certificate versions ${qc.activeVersion}/${qc.pendingVersion}, block ${sets.active.version}/${pv}`);
  }
  const hasPendingPart = qc.pendingBitmap !== undefined || qc.pendingSigs !== undefined;
  if ((sets.pending !== undefined) !== hasPendingPart || (hasPendingPart && (qc.pendingBitmap === undefined || qc.pendingSigs === undefined))) {
    return fail(ConsensusErrorCode.QC_PENDING_MISMATCH, sets.pending ? 'the block has a pending schedule: the certificate needs its signatures too' : 'the block has no pending schedule');
  }
  let digest: Uint8Array;
  try {
    digest = voteDigestFor(sets, phase, block);
  } catch {
    return fail(ConsensusErrorCode.QC_WRONG_BLOCK, 'the certificate names an unencodable block');
  }
  const a = checkPart(sets.active, qc.activeBitmap, qc.activeSigs, digest, scheme, 'active');
  if (!a.ok) return a;
  if (sets.pending !== undefined) return checkPart(sets.pending, qc.pendingBitmap!, qc.pendingSigs!, digest, scheme, 'pending');
  return ok(undefined);
}

/**
 * Assembles a certificate from already-checked signatures keyed by member index. The caller must
 * have checked quorum; signatures come out in ascending index order as the codec requires.
 */
export function assembleQc(
  phase: Phase,
  block: BlockRef,
  sets: VotingSets,
  activeSigs: ReadonlyMap<number, Uint8Array>,
  pendingSigs?: ReadonlyMap<number, Uint8Array>,
): QC {
  const order = (m: ReadonlyMap<number, Uint8Array>) => [...m.keys()].sort((x, y) => x - y);
  const ai = order(activeSigs);
  const base = {
    phase,
    block,
    activeVersion: sets.active.version,
    activeBitmap: bitmapOf(sets.active.producers.length, ai),
    activeSigs: ai.map((i) => activeSigs.get(i)!),
  };
  if (sets.pending === undefined) return { ...base, pendingVersion: 0 };
  const pi = order(pendingSigs ?? new Map());
  return {
    ...base,
    pendingVersion: sets.pending.version,
    pendingBitmap: bitmapOf(sets.pending.producers.length, pi),
    pendingSigs: pi.map((i) => pendingSigs!.get(i)!),
  };
}

/** Number of distinct signers of each part of a certificate (no checks). */
export function qcSignerCounts(qc: QC): { active: number; pending: number } {
  return { active: popcount(qc.activeBitmap), pending: qc.pendingBitmap ? popcount(qc.pendingBitmap) : 0 };
}
