/**
 * The strict DER reader for fulfillments and conditions (CC.md A6). It reads exactly one TLV with
 * no trailing data, checks every tag, length, INTEGER, BIT STRING, SET OF order and field size, then
 * derives the condition (A10 bounds) and re-encodes the result, which must equal the input.
 */
import { compareBytes, equalBytes } from '../../util/bytes.ts';
import { expectEnd, expectTlv, readTlv, readUint, type Tlv } from './der.ts';
import { checkCondition, conditionBytes, deriveRoot } from './derive.ts';
import { encodeAt } from './encode.ts';
import { CCErrorCode, fail } from './errors.ts';
import { MAX_UINT32, type Limits } from './limits.ts';
import { readSubtypes } from './subtypes.ts';
import { typeById, type AnonNode, type CCNode, type Condition } from './types.ts';

/** Reads a whole fulfillment: one TLV, within the size limit, re-encoding identically. Fails with CCFail. */
export function readFulfillment(buf: Uint8Array, lim: Limits): CCNode {
  if (!(buf instanceof Uint8Array)) fail(CCErrorCode.PARSE, 'A6', 'a fulfillment must be a Uint8Array');
  if (buf.length > lim.maxFulfillment) {
    fail(CCErrorCode.LIMIT, 'A10', `fulfillment of ${buf.length} bytes exceeds ${lim.maxFulfillment}`);
  }
  const { node, end } = fulfillmentAt(buf, 0, buf.length, 1, lim);
  expectEnd(end, buf.length, 'the fulfillment');
  deriveRoot(node, lim);
  if (!equalBytes(encodeAt(node, 1, lim), buf)) fail(CCErrorCode.PARSE, 'A6', 'the fulfillment does not re-encode identically');
  return node;
}

/** Reads a whole condition (A3.2): one TLV, bounds of A10 including the root cost. Fails with CCFail. */
export function readCondition(buf: Uint8Array, lim: Limits): Condition {
  if (!(buf instanceof Uint8Array)) fail(CCErrorCode.PARSE, 'A6', 'a condition must be a Uint8Array');
  const { node, end } = conditionAt(buf, 0, buf.length, 1, lim);
  expectEnd(end, buf.length, 'the condition');
  const cond = checkCondition(node, lim);
  if (cond.cost > lim.maxRootCost) fail(CCErrorCode.LIMIT, 'A10', `root cost ${cond.cost} exceeds ${lim.maxRootCost}`);
  if (!equalBytes(conditionBytes(cond), buf)) fail(CCErrorCode.PARSE, 'A6', 'the condition does not re-encode identically');
  return cond;
}

function fulfillmentAt(buf: Uint8Array, pos: number, limit: number, depth: number, lim: Limits): { node: CCNode; end: number } {
  if (depth > lim.maxDepth) fail(CCErrorCode.LIMIT, 'A10', `tree deeper than ${lim.maxDepth}`, pos);
  const t = readTlv(buf, pos, limit);
  let node: CCNode;
  switch (t.tag) {
    case 0xa0: {
      const f = expectTlv(buf, t.start, t.end, 0x80, 'preimage');
      expectEnd(f.end, t.end, 'the preimage fulfillment');
      node = { type: 'preimage', preimage: copyOf(buf, f.start, f.end) };
      break;
    }
    case 0xa1: {
      const p = expectTlv(buf, t.start, t.end, 0x80, 'prefix');
      const m = expectTlv(buf, p.end, t.end, 0x81, 'maxMessageLength');
      const maxMessageLength = readUint(buf, m, MAX_UINT32, 'maxMessageLength');
      const w = expectTlv(buf, m.end, t.end, 0xa2, 'subfulfillment');
      const inner = fulfillmentAt(buf, w.start, w.end, depth + 1, lim);
      expectEnd(inner.end, w.end, 'the subfulfillment');
      expectEnd(w.end, t.end, 'the prefix fulfillment');
      node = { type: 'prefix', prefix: copyOf(buf, p.start, p.end), maxMessageLength, child: inner.node };
      break;
    }
    case 0xa2:
      node = thresholdAt(buf, t, depth, lim);
      break;
    case 0xa3: {
      const m = expectTlv(buf, t.start, t.end, 0x80, 'modulus');
      const s = expectTlv(buf, m.end, t.end, 0x81, 'signature');
      expectEnd(s.end, t.end, 'the rsa fulfillment');
      const mLen = m.end - m.start;
      if (mLen < 128 || mLen > 512) fail(CCErrorCode.PARSE, 'A6.7', `rsa modulus of ${mLen} bytes (128..512)`, m.at);
      if (buf[m.start] === 0) fail(CCErrorCode.PARSE, 'A6.7', 'rsa modulus has a leading zero byte', m.at);
      if (s.end - s.start !== mLen) fail(CCErrorCode.PARSE, 'A6.7', 'rsa signature length differs from the modulus', s.at);
      const modulus = copyOf(buf, m.start, m.end);
      const signature = copyOf(buf, s.start, s.end);
      if (compareBytes(signature, modulus) >= 0) fail(CCErrorCode.PARSE, 'A6.7', 'rsa signature is not below the modulus', s.at);
      node = { type: 'rsa', modulus, signature };
      break;
    }
    case 0xa4:
    case 0xa5: {
      const keyLen = t.tag === 0xa4 ? 32 : 33;
      const what = t.tag === 0xa4 ? 'ed25519' : 'secp256k1';
      const k = expectTlv(buf, t.start, t.end, 0x80, 'publicKey');
      if (k.end - k.start !== keyLen) fail(CCErrorCode.PARSE, 'A6.7', `${what} public key of ${k.end - k.start} bytes (${keyLen})`, k.at);
      const s = expectTlv(buf, k.end, t.end, 0x81, 'signature');
      if (s.end - s.start !== 64) fail(CCErrorCode.PARSE, 'A6.7', `${what} signature of ${s.end - s.start} bytes (64)`, s.at);
      expectEnd(s.end, t.end, `the ${what} fulfillment`);
      const publicKey = copyOf(buf, k.start, k.end);
      const signature = copyOf(buf, s.start, s.end);
      node = t.tag === 0xa4 ? { type: 'ed25519', publicKey, signature } : { type: 'secp256k1', publicKey, signature };
      break;
    }
    case 0xaf: {
      const c = expectTlv(buf, t.start, t.end, 0x80, 'code');
      expectEnd(c.end, t.end, 'the eval fulfillment');
      node = { type: 'eval', code: copyOf(buf, c.start, c.end) };
      break;
    }
    default:
      return fail(CCErrorCode.PARSE, 'A6.3', `tag ${hex2(t.tag)} is not a known fulfillment type`, pos);
  }
  return { node, end: t.end };
}

function thresholdAt(buf: Uint8Array, t: Tlv, depth: number, lim: Limits): CCNode {
  const fs = expectTlv(buf, t.start, t.end, 0xa0, 'subfulfillments');
  const cs = expectTlv(buf, fs.end, t.end, 0xa1, 'subconditions');
  expectEnd(cs.end, t.end, 'the threshold fulfillment');
  const children: CCNode[] = [];
  let prevAt = -1;
  let prevEnd = -1;
  for (let p = fs.start; p < fs.end; ) {
    if (children.length >= lim.maxChildren) fail(CCErrorCode.LIMIT, 'A5.1', `more than ${lim.maxChildren} children`, p);
    const { node, end } = fulfillmentAt(buf, p, fs.end, depth + 1, lim);
    if (prevAt >= 0 && compareBytes(buf.subarray(prevAt, prevEnd), buf.subarray(p, end)) > 0) {
      fail(CCErrorCode.PARSE, 'A6.6', 'subfulfillments are not in DER order', p);
    }
    prevAt = p;
    prevEnd = end;
    children.push(node);
    p = end;
  }
  const threshold = children.length;
  if (threshold === 0) fail(CCErrorCode.PARSE, 'A5.1', 'a threshold fulfillment needs at least one subfulfillment', fs.at);
  prevAt = -1;
  for (let p = cs.start; p < cs.end; ) {
    if (children.length >= lim.maxChildren) fail(CCErrorCode.LIMIT, 'A5.1', `more than ${lim.maxChildren} children`, p);
    const { node, end } = conditionAt(buf, p, cs.end, depth + 1, lim);
    if (prevAt >= 0 && compareBytes(buf.subarray(prevAt, prevEnd), buf.subarray(p, end)) > 0) {
      fail(CCErrorCode.PARSE, 'A6.6', 'subconditions are not in DER order', p);
    }
    prevAt = p;
    prevEnd = end;
    children.push(node);
    p = end;
  }
  return { type: 'threshold', threshold, children };
}

function conditionAt(buf: Uint8Array, pos: number, limit: number, depth: number, lim: Limits): { node: AnonNode; end: number } {
  if (depth > lim.maxDepth) fail(CCErrorCode.LIMIT, 'A10', `tree deeper than ${lim.maxDepth}`, pos);
  const t = readTlv(buf, pos, limit);
  const info = (t.tag & 0xe0) === 0xa0 ? typeById(t.tag & 0x1f) : undefined;
  if (info === undefined) fail(CCErrorCode.PARSE, 'A6.3', `tag ${hex2(t.tag)} is not a known condition type`, pos);
  const f = expectTlv(buf, t.start, t.end, 0x80, 'fingerprint');
  if (f.end - f.start !== 32) fail(CCErrorCode.PARSE, 'A6.7', `fingerprint of ${f.end - f.start} bytes (32)`, f.at);
  const c = expectTlv(buf, f.end, t.end, 0x81, 'cost');
  const cost = readUint(buf, c, MAX_UINT32, 'cost');
  let subtypes = 0;
  let end = c.end;
  if (!info.compound && c.end < t.end && buf[c.end] === 0x82) {
    fail(CCErrorCode.PARSE, 'A6.5', `subtypes on simple type ${info.name}`, c.end);
  }
  if (info.compound) {
    if (c.end === t.end) fail(CCErrorCode.PARSE, 'A6.5', `missing subtypes on compound type ${info.name}`, c.end);
    const s = expectTlv(buf, c.end, t.end, 0x82, 'subtypes');
    subtypes = readSubtypes(buf, s.start, s.end);
    end = s.end;
  }
  expectEnd(end, t.end, `the ${info.name} condition`);
  if (cost > lim.maxNodeCost) fail(CCErrorCode.LIMIT, 'A10', `cost ${cost} exceeds ${lim.maxNodeCost}`, c.at);
  const node: AnonNode = { type: 'anon', typeId: info.id, fingerprint: copyOf(buf, f.start, f.end), cost, subtypes };
  return { node, end: t.end };
}

/** A copy of `buf[start..end)` as a plain Uint8Array (never a view, even when `buf` is a Buffer). */
function copyOf(buf: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(buf.subarray(start, end));
  return out;
}

function hex2(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}
