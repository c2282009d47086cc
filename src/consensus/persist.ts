/**
 * Byte forms of the two things a producer persists before messages leave it (§5.10): the finalizer
 * safety information (before a vote) and the producer watermark (before a block).
 *
 * FSI: "FSI1" ‖ u8 flags (1 lastPrepare, 2 lock, 4 lock is virtual) ‖ [ref lastPrepare] ‖
 *      u32 lastCommitSlot ‖ [ref lock | u32 virtual lock slot] ‖ u32 otherBranchLatestSlot ‖ checksum8
 * Watermark: "WMK1" ‖ u32 lastProducedSlot ‖ checksum8
 * where ref = id32 ‖ u32 num ‖ u32 slot and checksum8 = first 8 bytes of SHA-256 of everything before
 * it. A missing or corrupt FSI file means the amnesia rule (`amnesiaFsi`); a missing watermark means
 * "produce nothing before startup" (`watermarkAfterAmnesia`).
 */
import { sha256 } from '../crypto/hash.ts';
import { ByteReader, DecodeFailure } from '../chain/codec/reader.ts';
import { ByteWriter } from '../chain/codec/writer.ts';
import { readRef, writeRef } from '../chain/block/qc.ts';
import { equalBytes } from '../util/bytes.ts';
import { ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { ConsensusErrorCode, fail } from './errors.ts';
import type { ConsensusError } from './errors.ts';
import type { FinalizerSafety, ProducerWatermark } from './types.ts';

const FSI_MAGIC = Uint8Array.of(0x46, 0x53, 0x49, 0x31); // "FSI1"
const WMK_MAGIC = Uint8Array.of(0x57, 0x4d, 0x4b, 0x31); // "WMK1"
const CODES = { truncated: ConsensusErrorCode.FSI_MALFORMED, nonCanonical: ConsensusErrorCode.FSI_MALFORMED, limit: ConsensusErrorCode.FSI_MALFORMED };

function seal(w: ByteWriter): Uint8Array {
  const body = w.bytes();
  w.raw(sha256(body).subarray(0, 8));
  return w.bytes();
}

function unseal(bytes: Uint8Array, magic: Uint8Array): Result<ByteReader, ConsensusError> {
  if (bytes.length < magic.length + 8) return fail(ConsensusErrorCode.FSI_MALFORMED, `${bytes.length} bytes is too short`);
  const body = bytes.subarray(0, bytes.length - 8);
  if (!equalBytes(sha256(body).subarray(0, 8), bytes.subarray(bytes.length - 8))) return fail(ConsensusErrorCode.FSI_CHECKSUM, 'checksum mismatch');
  if (!equalBytes(body.subarray(0, 4), magic)) return fail(ConsensusErrorCode.FSI_MALFORMED, 'wrong magic');
  const r = new ByteReader(body, CODES);
  r.skip(4);
  return { ok: true, value: r };
}

/** Serializes an FSI (see the file comment). Example: `decodeFsi(encodeFsi(f))` gives back `f`. */
export function encodeFsi(f: FinalizerSafety): Uint8Array {
  const w = new ByteWriter(128);
  w.raw(FSI_MAGIC);
  const flags = (f.lastPrepare !== null ? 1 : 0) | (f.lock !== null ? 2 : 0) | (f.lock !== null && f.lock.id === null ? 4 : 0);
  w.u8(flags);
  if (f.lastPrepare !== null) writeRef(w, f.lastPrepare);
  w.u32(f.lastCommitSlot);
  if (f.lock !== null) {
    if (f.lock.id === null) w.u32(f.lock.slot);
    else writeRef(w, f.lock);
  }
  w.u32(f.otherBranchLatestSlot);
  return seal(w);
}

/** Parses an FSI file. `CONSENSUS_FSI_CHECKSUM` / `CONSENSUS_FSI_MALFORMED` mean: apply the amnesia rule. Never throws. */
export function decodeFsi(bytes: Uint8Array): Result<FinalizerSafety, ConsensusError> {
  const u = unseal(bytes, FSI_MAGIC);
  if (!u.ok) return u;
  const r = u.value;
  try {
    const flags = r.u8();
    if ((flags & ~7) !== 0 || (flags & 6) === 4) r.fail(ConsensusErrorCode.FSI_MALFORMED, `bad flags ${flags}`);
    const lastPrepare = flags & 1 ? readRef(r) : null;
    const lastCommitSlot = r.u32();
    const lock = flags & 2 ? (flags & 4 ? { id: null, slot: r.u32() } : readRef(r)) : null;
    const otherBranchLatestSlot = r.u32();
    r.end(ConsensusErrorCode.FSI_MALFORMED);
    return ok({ lastPrepare, lastCommitSlot, lock, otherBranchLatestSlot });
  } catch (e) {
    if (e instanceof DecodeFailure) return fail(ConsensusErrorCode.FSI_MALFORMED, `FSI: ${e.message}`);
    throw e;
  }
}

/** Serializes a producer watermark. */
export function encodeWatermark(w: ProducerWatermark): Uint8Array {
  const bw = new ByteWriter(16);
  bw.raw(WMK_MAGIC).u32(w.lastProducedSlot);
  return seal(bw);
}

/** Parses a producer watermark file. Never throws. */
export function decodeWatermark(bytes: Uint8Array): Result<ProducerWatermark, ConsensusError> {
  const u = unseal(bytes, WMK_MAGIC);
  if (!u.ok) return u;
  try {
    const lastProducedSlot = u.value.u32();
    u.value.end(ConsensusErrorCode.FSI_MALFORMED);
    return ok({ lastProducedSlot });
  } catch (e) {
    if (e instanceof DecodeFailure) return fail(ConsensusErrorCode.FSI_MALFORMED, `watermark: ${e.message}`);
    throw e;
  }
}

/** The watermark to use when the file is missing or corrupt: nothing at or before the startup slot. */
export function watermarkAfterAmnesia(startupSlot: number): ProducerWatermark {
  return { lastProducedSlot: Math.max(0, startupSlot) };
}
