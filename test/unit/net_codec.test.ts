/**
 * The P2P message codec and framing: every message type round-trips, the decoders are strict (size
 * limits per type, canonical flags, no trailing bytes, payloads parsed) and never throw on arbitrary
 * bytes (fast-check), and decode∘encode is the identity on bytes the decoder accepts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeBlock } from '../../src/chain/block/block.ts';
import { encodeQc } from '../../src/chain/block/qc.ts';
import { encodeVote } from '../../src/consensus/votes.ts';
import { NULL_REF } from '../../src/consensus/refs.ts';
import { equalBytes } from '../../src/util/bytes.ts';
import {
  DEFAULT_LIMITS,
  MsgType,
  NetErrorCode,
  decodeFrame,
  decodeMessage,
  encodeBlocksResponse,
  encodeFrame,
  encodeMessage,
  maxMessageBytes,
  resolveLimits,
  WIRE_VERSION,
} from '../../src/net/index.ts';
import type { Message } from '../../src/net/index.ts';
import { CHAIN, fakeChain, keyOf, qcOf, refOf, txOf, voteOf } from './net_fixture.ts';

const RUNS = Number(process.env['CCHOST_FUZZ_RUNS'] ?? 500);
const chain = fakeChain(3);
const ref1 = refOf(chain[1]!);

/** A value with plain prototypes and bytes as hex (fast-check records have null prototypes). */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

function samples(): Message[] {
  const tx = txOf(1);
  const vote = voteOf('bob', ref1);
  const qc = qcOf(ref1);
  return [
    { type: 'hello', version: 1, chainId: CHAIN, name: 'alice', key: keyOf('alice'), producer: true, head: ref1, lib: NULL_REF, libQc: undefined, nonce: new Uint8Array(32).fill(7), timestampMs: 1_700_000_000_000, agent: 'cchost/0.1' },
    { type: 'hello', version: 1, chainId: CHAIN, name: 'fullnode', key: keyOf('x'), producer: false, head: ref1, lib: ref1, libQc: qc, nonce: new Uint8Array(32).fill(9), timestampMs: 5, agent: '' },
    { type: 'auth', sig: new Uint8Array(64).fill(3) },
    { type: 'goodbye', reason: 2, text: 'duplicate connection' },
    { type: 'ping', id: 0xffffffff },
    { type: 'pong', id: 0 },
    { type: 'tx', raw: tx.toBuffer(), tx },
    { type: 'block', raw: encodeBlock(chain[2]!), block: chain[2]! },
    { type: 'vote', raw: encodeVote(vote), vote },
    { type: 'qc', raw: encodeQc(qc), qc },
    { type: 'head', head: ref1, lib: NULL_REF, libQc: undefined },
    { type: 'head', head: ref1, lib: ref1, libQc: qc },
    { type: 'get-blocks', reqId: 9, from: 100, count: 512, maxBytes: 1 << 20 },
    { type: 'blocks', reqId: 9, from: 1, status: 0, blocks: chain.slice(1, 3).map((b) => ({ raw: encodeBlock(b), block: b })) },
    { type: 'blocks', reqId: 10, from: 1, status: 1, blocks: [] },
  ];
}

test('every message type round-trips, bytes and values', () => {
  for (const m of samples()) {
    const bytes = encodeMessage(m);
    const d = decodeMessage(bytes, DEFAULT_LIMITS);
    assert.ok(d.ok, `${m.type}: ${!d.ok ? d.error.message : ''}`);
    assert.equal(d.value.type, m.type);
    assert.ok(equalBytes(encodeMessage(d.value), bytes), `${m.type} re-encodes to the same bytes`);
    if (m.type === 'hello' && d.value.type === 'hello') {
      assert.equal(d.value.name, m.name);
      assert.equal(d.value.producer, m.producer);
      assert.equal(d.value.timestampMs, m.timestampMs);
      assert.equal(d.value.libQc === undefined, m.libQc === undefined);
    }
    if (m.type === 'tx' && d.value.type === 'tx') assert.equal(d.value.tx.getId(), m.tx.getId());
    if (m.type === 'vote' && d.value.type === 'vote') assert.equal(d.value.vote.voter, 'bob');
    if (m.type === 'blocks' && d.value.type === 'blocks') assert.equal(d.value.blocks.length, m.blocks.length);
  }
});

test('encodeBlocksResponse equals encodeMessage of the decoded blocks', () => {
  const raws = chain.slice(1, 4).map(encodeBlock);
  const bytes = encodeBlocksResponse(4, 1, 0, raws);
  const d = decodeMessage(bytes, DEFAULT_LIMITS);
  assert.ok(d.ok && d.value.type === 'blocks');
  assert.deepEqual(d.value.blocks.map((b) => b.block.header.num), [1, 2, 3]);
});

test('error: each type has a size limit, checked before parsing', () => {
  const limits = resolveLimits({ maxTxBytes: 1000 });
  const tx = txOf(2, 1200);
  const big = encodeMessage({ type: 'tx', raw: tx.toBuffer(), tx });
  assert.ok(big.length > maxMessageBytes(MsgType.TX, limits));
  const d = decodeMessage(big, limits);
  assert.ok(!d.ok);
  assert.equal(d.error.code, NetErrorCode.OVERSIZED);
  const vote = encodeMessage({ type: 'ping', id: 1 });
  const padded = new Uint8Array(vote.length + 1);
  padded.set(vote);
  const p = decodeMessage(padded, limits);
  assert.ok(!p.ok);
  assert.equal(p.error.code, NetErrorCode.OVERSIZED, 'a ping of 6 bytes is over its 5-byte limit');
});

test('error: strict decoding (unknown type, flags, booleans, trailing bytes, bad payloads, bad names)', () => {
  const cases: [string, Uint8Array, string][] = [];
  cases.push(['unknown type', Uint8Array.of(0x7f, 0, 0), NetErrorCode.UNKNOWN_TYPE]);
  cases.push(['empty', new Uint8Array(), NetErrorCode.TRUNCATED]);
  const head = encodeMessage({ type: 'head', head: ref1, lib: NULL_REF });
  const badBool = head.slice();
  badBool[81] = 2;
  cases.push(['hasQc byte 2', badBool, NetErrorCode.NONCANONICAL]);
  const hello = encodeMessage(samples()[0]!);
  const badFlags = hello.slice();
  const flagsAt = 1 + 2 + 32 + 1 + 5 + 32;
  badFlags[flagsAt] = 0x80 | badFlags[flagsAt]!;
  cases.push(['hello flags', badFlags, NetErrorCode.NONCANONICAL]);
  const badName = hello.slice();
  badName[1 + 2 + 32 + 1] = 'A'.charCodeAt(0);
  cases.push(['upper-case name', badName, NetErrorCode.BAD_TEXT]);
  const ping = encodeMessage({ type: 'pong', id: 1 });
  cases.push(['truncated pong', ping.subarray(0, 3), NetErrorCode.TRUNCATED]);
  cases.push(['garbage tx', Uint8Array.of(MsgType.TX, 1, 2, 3), NetErrorCode.BAD_PAYLOAD]);
  cases.push(['garbage block', Uint8Array.of(MsgType.BLOCK, 9, 9, 9), NetErrorCode.BAD_PAYLOAD]);
  cases.push(['garbage vote', Uint8Array.of(MsgType.VOTE, 7), NetErrorCode.BAD_PAYLOAD]);
  const gb = encodeMessage({ type: 'get-blocks', reqId: 1, from: 1, count: 1, maxBytes: 1 });
  const zero = gb.slice();
  zero[9] = 0;
  cases.push(['range count 0', zero, NetErrorCode.LIMIT]);
  const busyWithBlocks = encodeBlocksResponse(1, 1, 1, [encodeBlock(chain[1]!)]);
  cases.push(['busy response with blocks', busyWithBlocks, NetErrorCode.NONCANONICAL]);
  for (const [what, bytes, code] of cases) {
    const d = decodeMessage(bytes, DEFAULT_LIMITS);
    assert.ok(!d.ok, `${what} must not decode`);
    assert.equal(d.error.code, code, what);
  }
});

test('frames: several messages per frame, version byte, empty and oversized records refused', () => {
  const a = encodeMessage({ type: 'ping', id: 1 });
  const b = encodeMessage({ type: 'pong', id: 2 });
  const f = encodeFrame([a, b]);
  assert.equal(f[0], WIRE_VERSION);
  const d = decodeFrame(f, 1000, 10);
  assert.ok(d.ok);
  assert.deepEqual(d.value.map((x) => [...x]), [[...a], [...b]]);
  const wrongVersion = f.slice();
  wrongVersion[0] = 2;
  assert.equal((decodeFrame(wrongVersion, 1000, 10) as { error: { code: string } }).error.code, NetErrorCode.BAD_WIRE_VERSION);
  assert.equal((decodeFrame(f, 3, 10) as { error: { code: string } }).error.code, NetErrorCode.OVERSIZED);
  assert.equal((decodeFrame(f, 1000, 1) as { error: { code: string } }).error.code, NetErrorCode.LIMIT);
  assert.equal((decodeFrame(Uint8Array.of(WIRE_VERSION), 1000, 1) as { error: { code: string } }).error.code, NetErrorCode.TRUNCATED);
  assert.equal((decodeFrame(Uint8Array.of(WIRE_VERSION, 5, 1), 1000, 1) as { error: { code: string } }).error.code, NetErrorCode.TRUNCATED);
});

test('fuzz: decodeMessage never throws and reports NET_ codes on arbitrary bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...[0x01, 0x02, 0x03, 0x04, 0x05, 0x10, 0x11, 0x12, 0x13, 0x14, 0x20, 0x21, 0x00, 0xff]), (body, type) => {
      for (const bytes of [body, Uint8Array.of(type, ...body)]) {
        const d = decodeMessage(bytes, DEFAULT_LIMITS);
        if (!d.ok) assert.match(d.error.code, /^NET_/);
        else assert.ok(equalBytes(encodeMessage(d.value), bytes), 'anything accepted re-encodes to itself');
      }
    }),
    { numRuns: RUNS },
  );
});

test('fuzz: mutations of valid messages never throw; accepted ones are canonical', () => {
  const valid = samples().map(encodeMessage);
  fc.assert(
    fc.property(fc.nat({ max: valid.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat({ max: 8 }), (i, edits, cut) => {
      const bytes = valid[i]!.slice(0, Math.max(1, valid[i]!.length - cut));
      for (const [at, v] of edits) bytes[at % bytes.length] = v;
      const d = decodeMessage(bytes, DEFAULT_LIMITS);
      if (d.ok) assert.ok(equalBytes(encodeMessage(d.value), bytes));
      else assert.match(d.error.code, /^NET_/);
    }),
    { numRuns: RUNS },
  );
});

test('fuzz: decodeFrame never throws; accepted frames re-encode identically', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (body) => {
      const bytes = Uint8Array.of(WIRE_VERSION, ...body);
      const d = decodeFrame(bytes, 64, 16);
      if (d.ok) assert.ok(equalBytes(encodeFrame(d.value), bytes));
      else assert.match(d.error.code, /^NET_/);
    }),
    { numRuns: RUNS },
  );
});

test('property: generated pings, goodbyes, range requests and heads round-trip', () => {
  const ref = fc.record({ id: fc.uint8Array({ minLength: 32, maxLength: 32 }), num: fc.nat({ max: 0xffffffff }), slot: fc.nat({ max: 0xffffffff }) });
  const msg = fc.oneof(
    fc.record({ type: fc.constant('ping' as const), id: fc.nat({ max: 0xffffffff }) }),
    fc.record({ type: fc.constant('goodbye' as const), reason: fc.constantFrom(0, 1, 2, 3, 4, 5, 6) as fc.Arbitrary<0 | 1 | 2 | 3 | 4 | 5 | 6>, text: fc.stringMatching(/^[ -~]{0,200}$/) }),
    fc.record({ type: fc.constant('get-blocks' as const), reqId: fc.nat({ max: 0xffffffff }), from: fc.nat({ max: 0xffffffff }), count: fc.integer({ min: 1, max: 512 }), maxBytes: fc.integer({ min: 1, max: 0xffffffff }) }),
    fc.record({ type: fc.constant('head' as const), head: ref, lib: ref, libQc: fc.constant(undefined) }),
  );
  fc.assert(
    fc.property(msg, (m) => {
      const bytes = encodeMessage(m as Message);
      const d = decodeMessage(bytes, DEFAULT_LIMITS);
      assert.ok(d.ok);
      assert.deepEqual(plain(d.value), plain(m));
    }),
    { numRuns: RUNS },
  );
});
