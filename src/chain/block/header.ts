/**
 * Binary form of block headers. Layout (integers little-endian, CompactSize minimal):
 *
 *   u8 format = 1 ‖ chainId32 ‖ u32 num ‖ u32 slot ‖ parent32 ‖ name(producer) ‖
 *   u32 activeVersion ‖ u32 pendingVersion ‖ txRoot32 ‖ stateRoot32 ‖ ancestorsRoot32 ‖
 *   ref(justify) ‖ ref(finalRef) ‖ u8 flags ‖ [schedule] ‖ [evidence] ‖ [justifyQc] ‖ [finalQc] ‖
 *   producerSig64
 *
 * name = u8 length ‖ ASCII (`NAME_RE`, or empty for genesis); ref = id32 ‖ u32 num ‖ u32 slot;
 * flags bit 0 = newSchedule, bit 1 = evidence, bit 2 = justifyQc, bit 3 = finalQc (other bits 0);
 * schedule = u32 version ‖ CompactSize n (1..64) ‖ n × (name ‖ key32);
 * evidence = CompactSize n (1..16) ‖ n × (u8 type ‖ varBytes data ≤ 65,536); QCs as in qc.ts.
 * Everything before the 64-byte signature is the "unsigned header", which the block id hashes.
 */
import { CchostError, err, ok } from '../../util/errors.ts';
import type { Result } from '../../util/errors.ts';
import { ByteReader, DecodeFailure } from '../codec/reader.ts';
import { ByteWriter } from '../codec/writer.ts';
import { MAX_EVIDENCE_BYTES, MAX_EVIDENCE_ITEMS, MAX_SCHEDULE_PRODUCERS, NAME_RE } from '../params.ts';
import { BLOCK_READER_CODES, BlockErrorCode } from './errors.ts';
import { readQc, readRef, writeQc, writeRef } from './qc.ts';
import type { BlockHeader, Evidence, QC, Schedule } from './types.ts';

/** The header format byte this codec writes and accepts. */
export const HEADER_FORMAT = 1;

const FLAG_SCHEDULE = 1;
const FLAG_EVIDENCE = 2;
const FLAG_JUSTIFY_QC = 4;
const FLAG_FINAL_QC = 8;
const KNOWN_FLAGS = FLAG_SCHEDULE | FLAG_EVIDENCE | FLAG_JUSTIFY_QC | FLAG_FINAL_QC;

function writeName(w: ByteWriter, name: string, allowEmpty: boolean): void {
  if (!(NAME_RE.test(name) || (allowEmpty && name === ''))) {
    throw new CchostError(BlockErrorCode.ENCODE_INVALID, `bad name ${JSON.stringify(name)}: use ${String(NAME_RE)}`);
  }
  w.u8(name.length);
  for (let i = 0; i < name.length; i++) w.u8(name.charCodeAt(i));
}

function readName(r: ByteReader, allowEmpty: boolean): string {
  const len = r.bound(r.u8(), 32, 'name length');
  const b = r.raw(len);
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  if (!(NAME_RE.test(s) || (allowEmpty && s === ''))) {
    r.fail(BlockErrorCode.BAD_NAME, `name ${JSON.stringify(s)} is not lower-case ASCII of the form ${String(NAME_RE)}`);
  }
  return s;
}

/** Appends a schedule (u32 version ‖ CompactSize n ‖ n × (name ‖ key32)). */
export function writeSchedule(w: ByteWriter, s: Schedule): void {
  if (s.producers.length < 1 || s.producers.length > MAX_SCHEDULE_PRODUCERS) {
    throw new CchostError(BlockErrorCode.ENCODE_INVALID, `a schedule lists 1..${MAX_SCHEDULE_PRODUCERS} producers, got ${s.producers.length}`);
  }
  w.u32(s.version).varint(s.producers.length);
  for (const p of s.producers) {
    writeName(w, p.name, false);
    w.raw(p.key, 32);
  }
}

/** Reads a schedule. Order and uniqueness are consensus rules (§5.5), not checked here. */
export function readSchedule(r: ByteReader): Schedule {
  const version = r.u32();
  const n = r.varint(MAX_SCHEDULE_PRODUCERS);
  if (n === 0) r.fail(BlockErrorCode.NONCANONICAL, 'a schedule lists at least one producer');
  const producers = [];
  for (let i = 0; i < n; i++) {
    const name = readName(r, false);
    producers.push({ name, key: r.raw(32) });
  }
  return { version, producers };
}

function writeEvidence(w: ByteWriter, ev: readonly Evidence[]): void {
  if (ev.length > MAX_EVIDENCE_ITEMS) {
    throw new CchostError(BlockErrorCode.ENCODE_INVALID, `at most ${MAX_EVIDENCE_ITEMS} evidence items, got ${ev.length}`);
  }
  w.varint(ev.length);
  for (const e of ev) {
    if (e.data.length > MAX_EVIDENCE_BYTES) {
      throw new CchostError(BlockErrorCode.ENCODE_INVALID, `evidence payload ${e.data.length} bytes exceeds ${MAX_EVIDENCE_BYTES}`);
    }
    w.u8(e.type).varBytes(e.data);
  }
}

function readEvidence(r: ByteReader): Evidence[] {
  const n = r.varint(MAX_EVIDENCE_ITEMS);
  if (n === 0) r.fail(BlockErrorCode.NONCANONICAL, 'an empty evidence list must be omitted (flag bit 1 clear)');
  const out: Evidence[] = [];
  for (let i = 0; i < n; i++) {
    const type = r.u8();
    out.push({ type, data: r.varBytes(MAX_EVIDENCE_BYTES) });
  }
  return out;
}

/**
 * Appends the unsigned part of a header (everything the id hashes). An empty `evidence` array is
 * written as absent. Throws `BLOCK_ENCODE_INVALID` / `CODEC_RANGE` on out-of-range fields.
 */
export function writeUnsignedHeader(w: ByteWriter, h: BlockHeader): void {
  w.u8(HEADER_FORMAT);
  w.raw(h.chainId, 32).u32(h.num).u32(h.slot).raw(h.parent, 32);
  writeName(w, h.producer, true);
  w.u32(h.activeVersion).u32(h.pendingVersion);
  w.raw(h.txRoot, 32).raw(h.stateRoot, 32).raw(h.ancestorsRoot, 32);
  writeRef(w, h.justify);
  writeRef(w, h.finalRef);
  const hasEvidence = h.evidence !== undefined && h.evidence.length > 0;
  const flags =
    (h.newSchedule !== undefined ? FLAG_SCHEDULE : 0) |
    (hasEvidence ? FLAG_EVIDENCE : 0) |
    (h.justifyQc !== undefined ? FLAG_JUSTIFY_QC : 0) |
    (h.finalQc !== undefined ? FLAG_FINAL_QC : 0);
  w.u8(flags);
  if (h.newSchedule !== undefined) writeSchedule(w, h.newSchedule);
  if (hasEvidence) writeEvidence(w, h.evidence!);
  if (h.justifyQc !== undefined) writeQc(w, h.justifyQc);
  if (h.finalQc !== undefined) writeQc(w, h.finalQc);
}

/** Appends a whole header (unsigned part ‖ producerSig). */
export function writeHeader(w: ByteWriter, h: BlockHeader): void {
  writeUnsignedHeader(w, h);
  w.raw(h.producerSig, 64);
}

/** Reads a whole header (throws `DecodeFailure`; use `decodeHeader` for a `Result`). */
export function readHeader(r: ByteReader): BlockHeader {
  const format = r.u8();
  if (format !== HEADER_FORMAT) r.fail(BlockErrorCode.BAD_FORMAT, `header format ${format} is not ${HEADER_FORMAT}`);
  const chainId = r.raw(32);
  const num = r.u32();
  const slot = r.u32();
  const parent = r.raw(32);
  const producer = readName(r, true);
  const activeVersion = r.u32();
  const pendingVersion = r.u32();
  const txRoot = r.raw(32);
  const stateRoot = r.raw(32);
  const ancestorsRoot = r.raw(32);
  const justify = readRef(r);
  const finalRef = readRef(r);
  const flags = r.u8();
  if ((flags & ~KNOWN_FLAGS) !== 0) r.fail(BlockErrorCode.BAD_FLAGS, `unknown header flag bits 0x${flags.toString(16)}`);
  let newSchedule: Schedule | undefined;
  let evidence: Evidence[] | undefined;
  let justifyQc: QC | undefined;
  let finalQc: QC | undefined;
  if (flags & FLAG_SCHEDULE) newSchedule = readSchedule(r);
  if (flags & FLAG_EVIDENCE) evidence = readEvidence(r);
  if (flags & FLAG_JUSTIFY_QC) justifyQc = readQc(r);
  if (flags & FLAG_FINAL_QC) finalQc = readQc(r);
  const producerSig = r.raw(64);
  const h: { -readonly [K in keyof BlockHeader]: BlockHeader[K] } = {
    chainId,
    num,
    slot,
    parent,
    producer,
    activeVersion,
    pendingVersion,
    txRoot,
    stateRoot,
    ancestorsRoot,
    justify,
    finalRef,
    producerSig,
  };
  if (newSchedule !== undefined) h.newSchedule = newSchedule;
  if (evidence !== undefined) h.evidence = evidence;
  if (justifyQc !== undefined) h.justifyQc = justifyQc;
  if (finalQc !== undefined) h.finalQc = finalQc;
  return h;
}

/** Serializes a header. Example: `decodeHeader(encodeHeader(h))` gives back `h`. */
export function encodeHeader(h: BlockHeader): Uint8Array {
  const w = new ByteWriter(512);
  writeHeader(w, h);
  return w.bytes();
}

/** The bytes the block id hashes: the header without its signature. */
export function encodeUnsignedHeader(h: BlockHeader): Uint8Array {
  const w = new ByteWriter(512);
  writeUnsignedHeader(w, h);
  return w.bytes();
}

/** Parses a header that fills `bytes` exactly. Never throws; errors carry `BLOCK_*` codes and the offset. */
export function decodeHeader(bytes: Uint8Array): Result<BlockHeader> {
  const r = new ByteReader(bytes, BLOCK_READER_CODES);
  try {
    const h = readHeader(r);
    r.end(BlockErrorCode.TRAILING_BYTES);
    return ok(h);
  } catch (e) {
    if (e instanceof DecodeFailure) return err({ code: e.code, message: `block header: ${e.message}`, offset: e.offset });
    throw e;
  }
}
