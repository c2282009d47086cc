/**
 * Frames: one WebSocket message carries one or more P2P messages, so small messages queued in the
 * same event-loop turn leave in one write (coalescing; research/perf-and-p2p.md §1.4).
 *
 *   frame = u8 WIRE_VERSION ‖ 1..maxRecordsPerFrame × (CompactSize length ‖ message)
 *
 * `decodeFrame` checks the structure only (version, lengths, count) and returns views of the
 * messages; each message is then checked against its type's limit and decoded by `decodeMessage`.
 */
import { ByteReader, DecodeFailure } from '../chain/codec/reader.ts';
import { ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { NetErrorCode, netFail } from './errors.ts';
import type { NetError } from './errors.ts';
import { WIRE_VERSION } from './limits.ts';

/** Bytes of the CompactSize encoding of `n`. */
export function compactSizeLength(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}

/** Bytes a frame of messages with these lengths takes. */
export function frameLength(messageLengths: readonly number[]): number {
  let n = 1;
  for (const l of messageLengths) n += compactSizeLength(l) + l;
  return n;
}

function putCompactSize(out: Uint8Array, at: number, n: number): number {
  if (n < 0xfd) {
    out[at] = n;
    return at + 1;
  }
  if (n <= 0xffff) {
    out[at] = 0xfd;
    out[at + 1] = n & 0xff;
    out[at + 2] = n >>> 8;
    return at + 3;
  }
  out[at] = 0xfe;
  out[at + 1] = n & 0xff;
  out[at + 2] = (n >>> 8) & 0xff;
  out[at + 3] = (n >>> 16) & 0xff;
  out[at + 4] = n >>> 24;
  return at + 5;
}

/** Packs messages into one frame (one allocation). Example: `encodeFrame([encodeMessage(ping)])`. */
export function encodeFrame(messages: readonly Uint8Array[]): Uint8Array {
  let total = 1;
  for (const m of messages) total += compactSizeLength(m.length) + m.length;
  const out = new Uint8Array(total);
  out[0] = WIRE_VERSION;
  let at = 1;
  for (const m of messages) {
    at = putCompactSize(out, at, m.length);
    out.set(m, at);
    at += m.length;
  }
  return out;
}

const FRAME_CODES = { truncated: NetErrorCode.TRUNCATED, nonCanonical: NetErrorCode.NONCANONICAL, limit: NetErrorCode.LIMIT };

/**
 * Splits a frame into message views (no copies). Never throws. A message longer than `maxMessage`
 * is `NET_OVERSIZED`; more than `maxRecords` messages or an empty frame is `NET_LIMIT`.
 */
export function decodeFrame(frame: Uint8Array, maxMessage: number, maxRecords: number): Result<Uint8Array[], NetError> {
  if (frame.length === 0) return netFail(NetErrorCode.TRUNCATED, 'empty frame');
  if (frame[0] !== WIRE_VERSION) return netFail(NetErrorCode.BAD_WIRE_VERSION, `frame version ${frame[0]}, this node speaks ${WIRE_VERSION}`);
  const r = new ByteReader(frame, FRAME_CODES);
  r.skip(1);
  const out: Uint8Array[] = [];
  try {
    while (r.remaining > 0) {
      if (out.length >= maxRecords) return netFail(NetErrorCode.LIMIT, `a frame carries more than ${maxRecords} messages`);
      const len = r.varint(Number.MAX_SAFE_INTEGER);
      if (len > maxMessage) return netFail(NetErrorCode.OVERSIZED, `a message of ${len} bytes exceeds the limit ${maxMessage}`);
      if (len === 0) return netFail(NetErrorCode.TRUNCATED, 'an empty message in a frame');
      const at = r.offset;
      r.skip(len);
      out.push(frame.subarray(at, at + len));
    }
  } catch (e) {
    if (e instanceof DecodeFailure) return netFail(e.code as NetErrorCode, `frame: ${e.message}`, { offset: e.offset });
    throw e;
  }
  if (out.length === 0) return netFail(NetErrorCode.TRUNCATED, 'a frame without messages');
  return ok(out);
}
