/**
 * The strict DER primitives of the library (CC.md A3, A6): a TLV header reader that accepts only
 * low-tag-number forms and definite, minimal lengths, a reader for the non-negative INTEGERs the
 * schema uses, and the matching writers. Readers fail with `CCFail` (code CC_PARSE) naming the rule.
 */
import { CCErrorCode, fail } from './errors.ts';

/** One TLV: its tag byte and the bounds of its contents inside the buffer. */
export interface Tlv {
  readonly tag: number;
  /** Offset of the tag byte. */
  readonly at: number;
  /** Offset of the first contents byte. */
  readonly start: number;
  /** Offset just past the contents. */
  readonly end: number;
}

/**
 * Reads the TLV header at `pos`, which must lie before `limit` (the end of the enclosing contents).
 * Rejects high-tag-number forms, indefinite and non-minimal lengths, and contents past `limit`.
 */
export function readTlv(buf: Uint8Array, pos: number, limit: number): Tlv {
  if (pos >= limit) fail(CCErrorCode.PARSE, 'A6.3', 'missing field: contents end before the next TLV', pos);
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) fail(CCErrorCode.PARSE, 'A6.3', `high-tag-number form ${hex2(tag)} is not a known tag`, pos);
  if (pos + 1 >= limit) fail(CCErrorCode.PARSE, 'A6.2', 'length octet past the end', pos + 1);
  const first = buf[pos + 1]!;
  let len: number;
  let start: number;
  if (first < 0x80) {
    len = first;
    start = pos + 2;
  } else if (first === 0x80) {
    fail(CCErrorCode.PARSE, 'A6.2', 'indefinite length', pos + 1);
  } else {
    const n = first & 0x7f;
    if (n > 4) fail(CCErrorCode.PARSE, 'A6.2', `length of ${n} octets`, pos + 1);
    if (pos + 2 + n > limit) fail(CCErrorCode.PARSE, 'A6.2', 'length octets past the end', pos + 1);
    if (buf[pos + 2] === 0) fail(CCErrorCode.PARSE, 'A6.2', 'non-minimal long-form length (leading zero)', pos + 1);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos + 2 + i]!;
    if (len < 0x80) fail(CCErrorCode.PARSE, 'A6.2', `non-minimal long-form length ${len}`, pos + 1);
    start = pos + 2 + n;
  }
  const end = start + len;
  if (end > limit) fail(CCErrorCode.PARSE, 'A6.2', `length ${len} runs past the end of its parent`, pos);
  return { tag, at: pos, start, end };
}

/** Reads the TLV at `pos` and requires tag byte `tag` (A6.3). `what` names the field in the error. */
export function expectTlv(buf: Uint8Array, pos: number, limit: number, tag: number, what: string): Tlv {
  if (pos >= limit) fail(CCErrorCode.PARSE, 'A6.3', `missing field ${what} (expected tag ${hex2(tag)})`, pos);
  const t = readTlv(buf, pos, limit);
  if (t.tag !== tag) fail(CCErrorCode.PARSE, 'A6.3', `${what}: expected tag ${hex2(tag)}, found ${hex2(t.tag)}`, pos);
  return t;
}

/** Requires that `pos` reached `end` exactly: no extra field or trailing data (A6.1). */
export function expectEnd(pos: number, end: number, what: string): void {
  if (pos !== end) fail(CCErrorCode.PARSE, 'A6.1', `${end - pos} unexpected byte(s) after ${what}`, pos);
}

/**
 * Reads a DER INTEGER's contents as a non-negative number ≤ `max` (A3.3, A6.4): minimal two's
 * complement, not negative, in range.
 */
export function readUint(buf: Uint8Array, t: Tlv, max: number, what: string): number {
  const n = t.end - t.start;
  if (n === 0) fail(CCErrorCode.PARSE, 'A6.4', `${what}: empty INTEGER`, t.at);
  const b0 = buf[t.start]!;
  if (b0 & 0x80) fail(CCErrorCode.PARSE, 'A6.4', `${what}: negative INTEGER`, t.at);
  if (n > 1 && b0 === 0 && (buf[t.start + 1]! & 0x80) === 0) {
    fail(CCErrorCode.PARSE, 'A6.4', `${what}: non-minimal INTEGER`, t.at);
  }
  if (n > 6) fail(CCErrorCode.PARSE, 'A6.4', `${what}: INTEGER out of range 0..${max}`, t.at);
  let v = 0;
  for (let i = t.start; i < t.end; i++) v = v * 256 + buf[i]!;
  if (v > max) fail(CCErrorCode.PARSE, 'A6.4', `${what}: ${v} out of range 0..${max}`, t.at);
  return v;
}

/** Number of octets of the DER length field for a contents length `len`. */
export function lengthSize(len: number): number {
  if (len < 0x80) return 1;
  if (len < 0x100) return 2;
  if (len < 0x10000) return 3;
  if (len < 0x1000000) return 4;
  return 5;
}

/** Writes the DER length `len` at `out[pos]` and returns the position after it. */
export function writeLength(out: Uint8Array, pos: number, len: number): number {
  if (len < 0x80) {
    out[pos] = len;
    return pos + 1;
  }
  const n = lengthSize(len) - 1;
  out[pos] = 0x80 | n;
  for (let i = n; i >= 1; i--) {
    out[pos + i] = len & 0xff;
    len = Math.floor(len / 256);
  }
  return pos + n + 1;
}

/** Total encoded size of a TLV with `len` contents bytes. */
export function tlvSize(len: number): number {
  return 1 + lengthSize(len) + len;
}

/** A TLV `tag ‖ len ‖ parts…` in one allocation. Example: `tlv(0x80, [new Uint8Array(0)])` is `80 00`. */
export function tlv(tag: number, parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(tlvSize(len));
  out[0] = tag;
  let pos = writeLength(out, 1, len);
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Minimal two's-complement contents of a non-negative safe integer (A3.3). Example: 255 → `00 FF`. */
export function uintContents(v: number): Uint8Array {
  const bytes: number[] = [];
  do {
    bytes.unshift(v % 256);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return Uint8Array.from(bytes);
}

function hex2(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}
