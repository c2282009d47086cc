/**
 * Misbehaviour evidence (§5.4), carried in headers as the chain's opaque `Evidence {type, data}`:
 *
 *   type 1 DoubleProduce: varBytes(header A) ‖ varBytes(header B)      (whole signed headers)
 *   type 2 DoublePrepare, type 3 DoubleCommit:
 *          u8 len ‖ voter ‖ vote A ‖ vote B,  vote = id32 ‖ u32 num ‖ u32 slot ‖ u32 activeVersion ‖
 *                                                 u32 pendingVersion ‖ sig64
 *
 * The two items are in ascending block-id order, so one offence has one encoding. Evidence is valid
 * when both items are signed by the same producer (key taken from the schedule of the version the
 * item names), for the same slot, on different blocks. Processing it demotes the offender to standby.
 */
import { ByteReader, DecodeFailure } from '../chain/codec/reader.ts';
import { ByteWriter } from '../chain/codec/writer.ts';
import { MAX_EVIDENCE_BYTES, NAME_RE } from '../chain/params.ts';
import { readHeader, writeHeader } from '../chain/block/header.ts';
import { readRef, writeRef } from '../chain/block/qc.ts';
import type { BlockHeader, Evidence, Phase, Schedule } from '../chain/block/types.ts';
import { compareBytes, equalBytes } from '../util/bytes.ts';
import { ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { ConsensusErrorCode, fail } from './errors.ts';
import type { ConsensusError } from './errors.ts';
import { headerId } from './header.ts';
import { memberIndex } from './schedule.ts';
import type { SignatureScheme } from './scheme.ts';
import type { StandbyReason, Vote } from './types.ts';
import { cachedVoteDigest } from './votes.ts';

/** Evidence type bytes. */
export const EvidenceType = {
  DOUBLE_PRODUCE: 1,
  DOUBLE_PREPARE: 2,
  DOUBLE_COMMIT: 3,
} as const;

/** Decoded evidence. */
export type DecodedEvidence =
  | { readonly kind: 'double-produce'; readonly a: BlockHeader; readonly b: BlockHeader }
  | { readonly kind: 'double-prepare' | 'double-commit'; readonly a: Vote; readonly b: Vote };

/** What valid evidence proves: who misbehaved, at which slot, how. */
export interface Offence {
  readonly offender: string;
  readonly slot: number;
  readonly reason: StandbyReason;
}

/**
 * Evidence that one producer signed two headers for one slot, or undefined when the two headers do
 * not fit one evidence payload (MAX_EVIDENCE_BYTES; headers that carry large evidence or certificates
 * themselves — the block id covers every header byte, so nothing can be left out). Throws
 * `RangeError` when the headers do not conflict that way (a caller bug).
 * Example: `doubleProduceEvidence(h1, h2)?.type === 1`.
 */
export function doubleProduceEvidence(h1: BlockHeader, h2: BlockHeader): Evidence | undefined {
  if (h1.producer !== h2.producer || h1.slot !== h2.slot) throw new RangeError('double production needs one producer and one slot');
  const [a, b] = compareBytes(headerId(h1), headerId(h2)) <= 0 ? [h1, h2] : [h2, h1];
  if (equalBytes(headerId(a), headerId(b))) throw new RangeError('the two headers are the same block');
  const w = new ByteWriter(1024);
  const wa = new ByteWriter(512);
  writeHeader(wa, a);
  const wb = new ByteWriter(512);
  writeHeader(wb, b);
  w.varBytes(wa.bytes()).varBytes(wb.bytes());
  if (w.length > MAX_EVIDENCE_BYTES) return undefined;
  return { type: EvidenceType.DOUBLE_PRODUCE, data: w.bytes() };
}

function writeVoteBody(w: ByteWriter, v: Vote): void {
  writeRef(w, v.block);
  w.u32(v.activeVersion).u32(v.pendingVersion).raw(v.sig, 64);
}

/**
 * Evidence that one voter signed two votes of one phase for one slot on different blocks. Throws
 * `RangeError` when the votes do not conflict that way. Example: `doubleVoteEvidence(v1, v2).type === 2` for PREPAREs.
 */
export function doubleVoteEvidence(v1: Vote, v2: Vote): Evidence {
  if (v1.voter !== v2.voter || v1.phase !== v2.phase || v1.block.slot !== v2.block.slot || equalBytes(v1.block.id, v2.block.id)) {
    throw new RangeError('a double vote is two votes of one voter and phase for one slot on different blocks');
  }
  const [a, b] = compareBytes(v1.block.id, v2.block.id) < 0 ? [v1, v2] : [v2, v1];
  const w = new ByteWriter(256);
  w.u8(a.voter.length);
  for (let i = 0; i < a.voter.length; i++) w.u8(a.voter.charCodeAt(i));
  writeVoteBody(w, a);
  writeVoteBody(w, b);
  return { type: a.phase === 'PREPARE' ? EvidenceType.DOUBLE_PREPARE : EvidenceType.DOUBLE_COMMIT, data: w.bytes() };
}

const EV_CODES = {
  truncated: ConsensusErrorCode.EVIDENCE_MALFORMED,
  nonCanonical: ConsensusErrorCode.EVIDENCE_MALFORMED,
  limit: ConsensusErrorCode.EVIDENCE_MALFORMED,
};

function readVoteBody(r: ByteReader, phase: Phase, voter: string): Vote {
  const block = readRef(r);
  const activeVersion = r.u32();
  const pendingVersion = r.u32();
  const sig = r.raw(64);
  return { phase, block, activeVersion, pendingVersion, voter, sig };
}

const decodedCache = new WeakMap<Evidence, Result<DecodedEvidence, ConsensusError>>();

/**
 * Parses evidence (type and canonical order included). Never throws. Results are memoised per
 * evidence object (treat `Evidence` values as immutable), so the headers inside keep their cached ids.
 */
export function decodeEvidence(ev: Evidence): Result<DecodedEvidence, ConsensusError> {
  let r = decodedCache.get(ev);
  if (r === undefined) {
    r = decodeEvidenceUncached(ev);
    decodedCache.set(ev, r);
  }
  return r;
}

function decodeEvidenceUncached(ev: Evidence): Result<DecodedEvidence, ConsensusError> {
  const r: ByteReader = new ByteReader(ev.data, EV_CODES);
  try {
    if (ev.type === EvidenceType.DOUBLE_PRODUCE) {
      const ra = new ByteReader(r.varBytes(MAX_EVIDENCE_BYTES), EV_CODES);
      const a = readHeader(ra);
      ra.end(ConsensusErrorCode.EVIDENCE_MALFORMED);
      const rb = new ByteReader(r.varBytes(MAX_EVIDENCE_BYTES), EV_CODES);
      const b = readHeader(rb);
      rb.end(ConsensusErrorCode.EVIDENCE_MALFORMED);
      r.end(ConsensusErrorCode.EVIDENCE_MALFORMED);
      if (!(compareBytes(headerId(a), headerId(b)) < 0)) r.fail(ConsensusErrorCode.EVIDENCE_MALFORMED, 'headers not in ascending id order');
      return ok({ kind: 'double-produce', a, b });
    }
    if (ev.type === EvidenceType.DOUBLE_PREPARE || ev.type === EvidenceType.DOUBLE_COMMIT) {
      const phase: Phase = ev.type === EvidenceType.DOUBLE_PREPARE ? 'PREPARE' : 'COMMIT';
      const len = r.bound(r.u8(), 32, 'voter name length');
      let voter = '';
      for (const c of r.raw(len)) voter += String.fromCharCode(c);
      if (!NAME_RE.test(voter)) r.fail(ConsensusErrorCode.EVIDENCE_MALFORMED, `voter name ${JSON.stringify(voter)}`);
      const a = readVoteBody(r, phase, voter);
      const b = readVoteBody(r, phase, voter);
      r.end(ConsensusErrorCode.EVIDENCE_MALFORMED);
      if (!(compareBytes(a.block.id, b.block.id) < 0)) r.fail(ConsensusErrorCode.EVIDENCE_MALFORMED, 'votes not in ascending block-id order');
      return ok({ kind: phase === 'PREPARE' ? 'double-prepare' : 'double-commit', a, b });
    }
    return fail(ConsensusErrorCode.EVIDENCE_UNKNOWN_TYPE, `evidence type ${ev.type} is not 1, 2 or 3`);
  } catch (e) {
    if (e instanceof DecodeFailure) return fail(ConsensusErrorCode.EVIDENCE_MALFORMED, `evidence: ${e.message}`, { offset: e.offset });
    throw e;
  }
}

/** The producer an evidence item accuses and the offence slot, from its decoded form (nothing verified). */
export function accused(ev: Evidence): { offender: string; slot: number } | undefined {
  const d = decodeEvidence(ev);
  if (!d.ok) return undefined;
  return d.value.kind === 'double-produce' ? { offender: d.value.a.producer, slot: d.value.a.slot } : { offender: d.value.a.voter, slot: d.value.a.block.slot };
}

/** Looks up a schedule by version (the chain's active, pending and previous schedules). */
export type ScheduleByVersion = (version: number) => Schedule | undefined;

function keyIn(s: Schedule | undefined, name: string): Uint8Array | undefined {
  if (s === undefined) return undefined;
  const i = memberIndex(s, name);
  return i < 0 ? undefined : s.producers[i]!.key;
}

/**
 * Checks evidence and returns the offence it proves. `schedules` resolves the versions the signed
 * items name; an offender absent from those schedules is `EVIDENCE_UNKNOWN_OFFENDER`. Never throws.
 */
export function verifyEvidence(
  ev: Evidence,
  chainId: Uint8Array,
  schedules: ScheduleByVersion,
  scheme: SignatureScheme,
): Result<Offence, ConsensusError> {
  const d = decodeEvidence(ev);
  if (!d.ok) return d;
  const e = d.value;
  if (e.kind === 'double-produce') {
    const { a, b } = e;
    if (!equalBytes(a.chainId, chainId) || !equalBytes(b.chainId, chainId)) return fail(ConsensusErrorCode.EVIDENCE_WRONG_CHAIN, 'a header is for another chain');
    if (a.producer !== b.producer || a.slot !== b.slot) {
      return fail(ConsensusErrorCode.EVIDENCE_NOT_CONFLICTING, 'the headers differ in producer or slot');
    }
    for (const h of [a, b]) {
      const key = keyIn(schedules(h.activeVersion), h.producer);
      if (key === undefined) return fail(ConsensusErrorCode.EVIDENCE_UNKNOWN_OFFENDER, `${h.producer} is not in schedule ${h.activeVersion}`);
      if (!scheme.verify(h.producerSig, key, headerId(h))) return fail(ConsensusErrorCode.EVIDENCE_BAD_SIGNATURE, `a header is not signed by ${h.producer}`);
    }
    return ok({ offender: a.producer, slot: a.slot, reason: 'double-produce' });
  }
  const { a, b } = e;
  if (a.block.slot !== b.block.slot) return fail(ConsensusErrorCode.EVIDENCE_NOT_CONFLICTING, 'the votes are for different slots');
  for (const v of [a, b]) {
    const key = keyIn(schedules(v.activeVersion), v.voter) ?? (v.pendingVersion !== 0 ? keyIn(schedules(v.pendingVersion), v.voter) : undefined);
    if (key === undefined) return fail(ConsensusErrorCode.EVIDENCE_UNKNOWN_OFFENDER, `${v.voter} is not in schedule ${v.activeVersion}/${v.pendingVersion}`);
    let digest: Uint8Array;
    try {
      digest = cachedVoteDigest(chainId, v.phase, v.block, v.activeVersion, v.pendingVersion);
    } catch {
      return fail(ConsensusErrorCode.EVIDENCE_MALFORMED, 'a vote has out-of-range fields');
    }
    if (!scheme.verify(v.sig, key, digest)) return fail(ConsensusErrorCode.EVIDENCE_BAD_SIGNATURE, `a vote is not signed by ${v.voter}`);
  }
  return ok({ offender: a.voter, slot: a.block.slot, reason: e.kind });
}
