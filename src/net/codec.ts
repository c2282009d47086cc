/**
 * Binary codec of P2P messages: `u8 type ‖ body`, integers little-endian, lengths as minimal
 * CompactSize (the chain's conventions). `decodeMessage` is strict (every length bounded, flag and
 * boolean bytes canonical, no trailing bytes, payloads parsed with the chain's own decoders) and
 * never throws; `encodeMessage` throws `CchostError` only on values no decoder would produce.
 *
 *   hello      u16 version ‖ chainId32 ‖ name ‖ key32 ‖ u8 flags(1 producer, 2 libQc) ‖ ref head ‖
 *              ref lib ‖ [varBytes qc] ‖ nonce32 ‖ u64 timestampMs ‖ text agent
 *   auth       sig64
 *   goodbye    u8 reason ‖ text
 *   ping/pong  u32 id
 *   tx/block/vote/qc   the chain encoding of the object (rest of the message)
 *   head       ref head ‖ ref lib ‖ u8 hasQc ‖ [varBytes qc]
 *   get-blocks u32 reqId ‖ u32 from ‖ u16 count ‖ u32 maxBytes
 *   blocks     u32 reqId ‖ u32 from ‖ u8 status ‖ CompactSize n ‖ n × varBytes block
 *
 * name/text = u8 length ‖ ASCII; ref = id32 ‖ u32 num ‖ u32 slot.
 */
import { decodeBlock } from '../chain/block/block.ts';
import { decodeQc, encodeQc, readRef, writeRef } from '../chain/block/qc.ts';
import type { QC } from '../chain/block/types.ts';
import { ByteReader, DecodeFailure } from '../chain/codec/reader.ts';
import type { ReaderCodes } from '../chain/codec/reader.ts';
import { ByteWriter } from '../chain/codec/writer.ts';
import { NAME_RE } from '../chain/params.ts';
import { parseTransaction } from '../chain/transaction.ts';
import { decodeVote } from '../consensus/votes.ts';
import { CchostError, ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { NetErrorCode, netFail } from './errors.ts';
import type { NetError } from './errors.ts';
import { MAX_AGENT_TEXT, MAX_GOODBYE_TEXT, MAX_QC_BYTES, maxMessageBytes } from './limits.ts';
import type { NetLimits } from './limits.ts';
import { BlocksStatus, GoodbyeReason, MsgType, TYPE_OF, isMsgType } from './messages.ts';
import type { BlocksStatusCode, GoodbyeReasonCode, Message, RawBlock } from './messages.ts';

const NET_READER_CODES: ReaderCodes = {
  truncated: NetErrorCode.TRUNCATED,
  nonCanonical: NetErrorCode.NONCANONICAL,
  limit: NetErrorCode.LIMIT,
};

const FLAG_PRODUCER = 1;
const FLAG_LIB_QC = 2;
const MAX_GOODBYE_REASON = GoodbyeReason.FULL;
const MAX_BLOCKS_STATUS = BlocksStatus.UNAVAILABLE;

function writeText(w: ByteWriter, s: string, max: number, what: string): void {
  if (s.length > max || !/^[\x20-\x7e]*$/.test(s)) {
    throw new CchostError(NetErrorCode.BAD_TEXT, `${what} must be printable ASCII of at most ${max} characters`);
  }
  w.u8(s.length);
  for (let i = 0; i < s.length; i++) w.u8(s.charCodeAt(i));
}

function readText(r: ByteReader, max: number, what: string): string {
  const len = r.bound(r.u8(), max, `${what} length`);
  let s = '';
  for (const c of r.raw(len)) {
    if (c < 0x20 || c > 0x7e) r.fail(NetErrorCode.BAD_TEXT, `${what} holds byte ${c}, outside printable ASCII`);
    s += String.fromCharCode(c);
  }
  return s;
}

function readName(r: ByteReader): string {
  const s = readText(r, 32, 'name');
  if (!NAME_RE.test(s)) r.fail(NetErrorCode.BAD_TEXT, `name ${JSON.stringify(s)} is not of the form ${String(NAME_RE)}`);
  return s;
}

function writeQcField(w: ByteWriter, qc: QC): void {
  w.varBytes(encodeQc(qc));
}

function readQcField(r: ByteReader): QC {
  const at = r.offset;
  const q = decodeQc(r.varBytes(MAX_QC_BYTES));
  if (!q.ok) r.fail(NetErrorCode.BAD_PAYLOAD, `certificate at byte ${at}: ${q.error.message}`);
  return q.value;
}

function readBool(r: ByteReader, what: string): boolean {
  const b = r.u8();
  if (b > 1) r.fail(NetErrorCode.NONCANONICAL, `${what} byte is ${b}, not 0 or 1`);
  return b === 1;
}

/**
 * Serializes a message (type byte and body). Payload messages write their `raw` bytes as they are.
 * Example: `encodeMessage({ type: 'ping', id: 7 })` is `04 07000000`.
 */
export function encodeMessage(m: Message): Uint8Array {
  const w = new ByteWriter(m.type === 'tx' || m.type === 'block' ? 8 + m.raw.length : 128);
  w.u8(TYPE_OF[m.type]);
  switch (m.type) {
    case 'hello': {
      if (!NAME_RE.test(m.name)) throw new CchostError(NetErrorCode.BAD_TEXT, `node name ${JSON.stringify(m.name)} is not of the form ${String(NAME_RE)}`);
      if (!Number.isSafeInteger(m.timestampMs) || m.timestampMs < 0) throw new CchostError(NetErrorCode.LIMIT, `timestamp ${m.timestampMs} out of range`);
      if (!Number.isInteger(m.version) || m.version > 0xffff || m.version < 0) throw new CchostError(NetErrorCode.LIMIT, `protocol version ${m.version} out of range`);
      w.u8(m.version & 0xff).u8(m.version >>> 8);
      w.raw(m.chainId, 32);
      writeText(w, m.name, 32, 'name');
      w.raw(m.key, 32);
      w.u8((m.producer ? FLAG_PRODUCER : 0) | (m.libQc !== undefined ? FLAG_LIB_QC : 0));
      writeRef(w, m.head);
      writeRef(w, m.lib);
      if (m.libQc !== undefined) writeQcField(w, m.libQc);
      w.raw(m.nonce, 32);
      w.u64(BigInt(m.timestampMs));
      writeText(w, m.agent, MAX_AGENT_TEXT, 'agent');
      break;
    }
    case 'auth':
      w.raw(m.sig, 64);
      break;
    case 'goodbye':
      w.u8(m.reason);
      writeText(w, m.text, MAX_GOODBYE_TEXT, 'goodbye text');
      break;
    case 'ping':
    case 'pong':
      w.u32(m.id);
      break;
    case 'tx':
    case 'block':
    case 'vote':
    case 'qc':
      w.raw(m.raw);
      break;
    case 'head':
      writeRef(w, m.head);
      writeRef(w, m.lib);
      w.u8(m.libQc !== undefined ? 1 : 0);
      if (m.libQc !== undefined) writeQcField(w, m.libQc);
      break;
    case 'get-blocks':
      if (!Number.isInteger(m.count) || m.count < 1 || m.count > 0xffff) throw new CchostError(NetErrorCode.LIMIT, `count ${m.count} out of range 1..65535`);
      w.u32(m.reqId).u32(m.from).u8(m.count & 0xff).u8(m.count >>> 8).u32(m.maxBytes);
      break;
    case 'blocks':
      return encodeBlocksResponse(m.reqId, m.from, m.status, m.blocks.map((b) => b.raw));
  }
  return w.bytes();
}

/**
 * Encodes a `blocks` response from already-encoded blocks (the serving side never decodes them).
 * Example: `encodeBlocksResponse(7, 100, BlocksStatus.OK, [rawBlock100, rawBlock101])`.
 */
export function encodeBlocksResponse(reqId: number, from: number, status: BlocksStatusCode, blocks: readonly Uint8Array[]): Uint8Array {
  let size = 16;
  for (const b of blocks) size += b.length + 5;
  const w = new ByteWriter(size);
  w.u8(MsgType.BLOCKS).u32(reqId).u32(from).u8(status).varint(blocks.length);
  for (const b of blocks) w.varBytes(b);
  return w.bytes();
}

function decodeBody(type: number, r: ByteReader, limits: NetLimits): Message {
  switch (type) {
    case MsgType.HELLO: {
      const version = r.u8() | (r.u8() << 8);
      const chainId = r.raw(32);
      const name = readName(r);
      const key = r.raw(32);
      const flags = r.u8();
      if ((flags & ~(FLAG_PRODUCER | FLAG_LIB_QC)) !== 0) r.fail(NetErrorCode.NONCANONICAL, `hello flags ${flags} have unknown bits`);
      const head = readRef(r);
      const lib = readRef(r);
      const libQc = flags & FLAG_LIB_QC ? readQcField(r) : undefined;
      const nonce = r.raw(32);
      const ts = r.u64();
      if (ts > BigInt(Number.MAX_SAFE_INTEGER)) r.fail(NetErrorCode.LIMIT, `timestamp ${ts} out of range`);
      const agent = readText(r, MAX_AGENT_TEXT, 'agent');
      return { type: 'hello', version, chainId, name, key, producer: (flags & FLAG_PRODUCER) !== 0, head, lib, libQc, nonce, timestampMs: Number(ts), agent };
    }
    case MsgType.AUTH:
      return { type: 'auth', sig: r.raw(64) };
    case MsgType.GOODBYE: {
      const reason = r.bound(r.u8(), MAX_GOODBYE_REASON, 'goodbye reason') as GoodbyeReasonCode;
      return { type: 'goodbye', reason, text: readText(r, MAX_GOODBYE_TEXT, 'goodbye text') };
    }
    case MsgType.PING:
      return { type: 'ping', id: r.u32() };
    case MsgType.PONG:
      return { type: 'pong', id: r.u32() };
    case MsgType.TX: {
      const raw = r.raw(r.remaining);
      const t = parseTransaction(raw);
      if (!t.ok) r.fail(NetErrorCode.BAD_PAYLOAD, t.error.message);
      return { type: 'tx', raw, tx: t.value };
    }
    case MsgType.BLOCK: {
      const raw = r.raw(r.remaining);
      const b = decodeBlock(raw, { maxBytes: limits.maxBlockBytes });
      if (!b.ok) r.fail(NetErrorCode.BAD_PAYLOAD, b.error.message);
      return { type: 'block', raw, block: b.value };
    }
    case MsgType.VOTE: {
      const raw = r.raw(r.remaining);
      const v = decodeVote(raw);
      if (!v.ok) r.fail(NetErrorCode.BAD_PAYLOAD, v.error.message);
      return { type: 'vote', raw, vote: v.value };
    }
    case MsgType.QC: {
      const raw = r.raw(r.remaining);
      const q = decodeQc(raw);
      if (!q.ok) r.fail(NetErrorCode.BAD_PAYLOAD, q.error.message);
      return { type: 'qc', raw, qc: q.value };
    }
    case MsgType.HEAD: {
      const head = readRef(r);
      const lib = readRef(r);
      const libQc = readBool(r, 'hasQc') ? readQcField(r) : undefined;
      return { type: 'head', head, lib, libQc };
    }
    case MsgType.GET_BLOCKS: {
      const reqId = r.u32();
      const from = r.u32();
      const count = r.u8() | (r.u8() << 8);
      if (count < 1) r.fail(NetErrorCode.LIMIT, 'range count 0'); // above our maxRangeCount: the server clamps
      const maxBytes = r.u32();
      if (maxBytes < 1) r.fail(NetErrorCode.LIMIT, 'range byte budget is 0');
      return { type: 'get-blocks', reqId, from, count, maxBytes };
    }
    case MsgType.BLOCKS: {
      const reqId = r.u32();
      const from = r.u32();
      const status = r.bound(r.u8(), MAX_BLOCKS_STATUS, 'blocks status') as BlocksStatusCode;
      const n = r.varint(limits.maxRangeCount);
      if (status !== BlocksStatus.OK && n !== 0) r.fail(NetErrorCode.NONCANONICAL, `a blocks response with status ${status} carries ${n} blocks`);
      const blocks: RawBlock[] = [];
      for (let i = 0; i < n; i++) {
        const raw = r.varBytes(limits.maxBlockBytes);
        const b = decodeBlock(raw, { maxBytes: limits.maxBlockBytes });
        if (!b.ok) r.fail(NetErrorCode.BAD_PAYLOAD, `block ${i} of the range: ${b.error.message}`);
        blocks.push({ raw, block: b.value });
      }
      return { type: 'blocks', reqId, from, status, blocks };
    }
  }
  return r.fail(NetErrorCode.UNKNOWN_TYPE, `message type 0x${type.toString(16).padStart(2, '0')} is not defined`);
}

/**
 * Parses one message (type byte and body) that fills `bytes` exactly, enforcing its type's size limit
 * first. Never throws. Example: `decodeMessage(encodeMessage(m), DEFAULT_LIMITS)` gives back `m`.
 */
export function decodeMessage(bytes: Uint8Array, limits: NetLimits): Result<Message, NetError> {
  if (bytes.length === 0) return netFail(NetErrorCode.TRUNCATED, 'empty message');
  const type = bytes[0]!;
  if (!isMsgType(type)) return netFail(NetErrorCode.UNKNOWN_TYPE, `message type 0x${type.toString(16).padStart(2, '0')} is not defined`, { type });
  const max = maxMessageBytes(type, limits);
  if (bytes.length > max) return netFail(NetErrorCode.OVERSIZED, `a 0x${type.toString(16)} message is ${bytes.length} bytes, the limit is ${max}`, { type });
  const r = new ByteReader(bytes.subarray(1), NET_READER_CODES);
  try {
    const m = decodeBody(type, r, limits);
    r.end(NetErrorCode.NONCANONICAL);
    return ok(m);
  } catch (e) {
    if (e instanceof DecodeFailure) return netFail(e.code as NetErrorCode, e.message, { type, offset: e.offset + 1 });
    return netFail(NetErrorCode.BAD_PAYLOAD, `message 0x${type.toString(16)}: ${e instanceof Error ? e.message : String(e)}`, { type });
  }
}
