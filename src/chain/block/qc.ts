/**
 * Binary form of quorum certificates (CONSENSUS.md §5.2):
 *
 *   u8 phase (1 = PREPARE, 2 = COMMIT) ‖ ref(block) ‖ u32 activeVersion ‖ varBytes activeBitmap ‖
 *   popcount(activeBitmap) × sig64 ‖ u32 pendingVersion ‖ [varBytes pendingBitmap ‖ popcount × sig64]
 *
 * where ref = id32 ‖ u32 num ‖ u32 slot, and the pending part is present exactly when
 * pendingVersion ≠ 0. The signature count is implied by the bitmap, so a certificate cannot carry a
 * signature without a signer or the reverse.
 */
import { CchostError, err, ok } from '../../util/errors.ts';
import type { Result } from '../../util/errors.ts';
import { ByteReader, DecodeFailure } from '../codec/reader.ts';
import { ByteWriter } from '../codec/writer.ts';
import { MAX_BITMAP_BYTES } from '../params.ts';
import { BLOCK_READER_CODES, BlockErrorCode } from './errors.ts';
import type { BlockRef, Phase, QC } from './types.ts';

const PHASE_BYTES: Record<Phase, number> = { PREPARE: 1, COMMIT: 2 };

/** The byte a phase is written as (1 PREPARE, 2 COMMIT); also used in vote digests. */
export function phaseByte(phase: Phase): number {
  const b = PHASE_BYTES[phase];
  if (b === undefined) throw new CchostError(BlockErrorCode.ENCODE_INVALID, `unknown phase ${String(phase)}`);
  return b;
}

/** Number of set bits in a bitmap. */
export function popcount(bitmap: Uint8Array): number {
  let n = 0;
  for (const byte of bitmap) {
    let b = byte;
    while (b !== 0) {
      b &= b - 1;
      n++;
    }
  }
  return n;
}

/** Schedule indices of the set bits, ascending (the order of the signatures). */
export function bitmapIndices(bitmap: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < bitmap.length * 8; i++) if ((bitmap[i >> 3]! >> (i & 7)) & 1) out.push(i);
  return out;
}

/** Writes a block reference (id32 ‖ u32 num ‖ u32 slot). */
export function writeRef(w: ByteWriter, ref: BlockRef): void {
  w.raw(ref.id, 32).u32(ref.num).u32(ref.slot);
}

/** Reads a block reference. */
export function readRef(r: ByteReader): BlockRef {
  const id = r.raw(32);
  const num = r.u32();
  const slot = r.u32();
  return { id, num, slot };
}

function writeSigned(w: ByteWriter, bitmap: Uint8Array, sigs: readonly Uint8Array[], what: string): void {
  if (bitmap.length > MAX_BITMAP_BYTES) {
    throw new CchostError(BlockErrorCode.ENCODE_INVALID, `${what} bitmap is ${bitmap.length} bytes, at most ${MAX_BITMAP_BYTES}`);
  }
  if (popcount(bitmap) !== sigs.length) {
    throw new CchostError(
      BlockErrorCode.ENCODE_INVALID,
      `${what}: ${sigs.length} signatures for ${popcount(bitmap)} bits set in the bitmap`,
    );
  }
  w.varBytes(bitmap);
  for (const s of sigs) w.raw(s, 64);
}

function readSigned(r: ByteReader): { bitmap: Uint8Array; sigs: Uint8Array[] } {
  const bitmap = r.varBytes(MAX_BITMAP_BYTES);
  const n = popcount(bitmap);
  const sigs: Uint8Array[] = [];
  for (let i = 0; i < n; i++) sigs.push(r.raw(64));
  return { bitmap, sigs };
}

/** Appends a QC. Throws `BLOCK_ENCODE_INVALID` on inconsistent input. */
export function writeQc(w: ByteWriter, qc: QC): void {
  w.u8(phaseByte(qc.phase));
  writeRef(w, qc.block);
  w.u32(qc.activeVersion);
  writeSigned(w, qc.activeBitmap, qc.activeSigs, 'active');
  w.u32(qc.pendingVersion);
  if (qc.pendingVersion !== 0) {
    if (qc.pendingBitmap === undefined || qc.pendingSigs === undefined) {
      throw new CchostError(BlockErrorCode.ENCODE_INVALID, 'pendingVersion is set but the pending bitmap or signatures are missing');
    }
    writeSigned(w, qc.pendingBitmap, qc.pendingSigs, 'pending');
  } else if (qc.pendingBitmap !== undefined || qc.pendingSigs !== undefined) {
    throw new CchostError(BlockErrorCode.ENCODE_INVALID, 'pendingVersion is 0 but a pending bitmap or signatures are present');
  }
}

/** Reads a QC (throws `DecodeFailure`; use `decodeQc` for a `Result`). */
export function readQc(r: ByteReader): QC {
  const pb = r.u8();
  const phase: Phase | undefined = pb === 1 ? 'PREPARE' : pb === 2 ? 'COMMIT' : undefined;
  if (phase === undefined) r.fail(BlockErrorCode.BAD_PHASE, `QC phase byte ${pb} is neither 1 (PREPARE) nor 2 (COMMIT)`);
  const block = readRef(r);
  const activeVersion = r.u32();
  const active = readSigned(r);
  const pendingVersion = r.u32();
  if (pendingVersion === 0) {
    return { phase, block, activeVersion, activeBitmap: active.bitmap, activeSigs: active.sigs, pendingVersion };
  }
  const pending = readSigned(r);
  return {
    phase,
    block,
    activeVersion,
    activeBitmap: active.bitmap,
    activeSigs: active.sigs,
    pendingVersion,
    pendingBitmap: pending.bitmap,
    pendingSigs: pending.sigs,
  };
}

/** Serializes a QC on its own (certificates travel alone in sync and handshake messages). */
export function encodeQc(qc: QC): Uint8Array {
  const w = new ByteWriter(128 + 64 * qc.activeSigs.length);
  writeQc(w, qc);
  return w.bytes();
}

/** Parses a QC that fills `bytes` exactly. Never throws. */
export function decodeQc(bytes: Uint8Array): Result<QC> {
  const r = new ByteReader(bytes, BLOCK_READER_CODES);
  try {
    const qc = readQc(r);
    r.end(BlockErrorCode.TRAILING_BYTES);
    return ok(qc);
  } catch (e) {
    if (e instanceof DecodeFailure) return err({ code: e.code, message: `QC: ${e.message}`, offset: e.offset });
    throw e;
  }
}
