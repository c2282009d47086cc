import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transaction } from 'bitcoinjs-lib';
import { sha256 } from '../../src/crypto/hash.ts';
import { schnorrSign, schnorrVerify, xOnlyPublicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { concatBytes, toHex, utf8 } from '../../src/util/bytes.ts';
import {
  blockId,
  blockRef,
  decodeBlock,
  decodeHeader,
  decodeQc,
  encodeBlock,
  encodeHeader,
  encodeQc,
  encodeUnsignedHeader,
  signBlockHeader,
  signVote,
  verifyBlockSignature,
  verifyVote,
  voteDigest,
  voteSigningBytes,
} from '../../src/chain/block/index.ts';
import type { BlockHeader, QC } from '../../src/chain/block/index.ts';
import { buildCoinbase } from '../../src/chain/genesis.ts';

const fill = (n: number, b: number) => new Uint8Array(n).fill(b);
const priv = sha256(utf8('alice'));
const pub = xOnlyPublicKeyFromPrivate(priv);
const AUX0 = new Uint8Array(32);

const qc: QC = {
  phase: 'COMMIT',
  block: { id: fill(32, 7), num: 9, slot: 20 },
  activeVersion: 2,
  activeBitmap: Uint8Array.of(0b1011),
  activeSigs: [fill(64, 1), fill(64, 2), fill(64, 3)],
  pendingVersion: 3,
  pendingBitmap: Uint8Array.of(0, 1),
  pendingSigs: [fill(64, 4)],
};

function baseHeader(): BlockHeader {
  return {
    chainId: fill(32, 0xc1),
    num: 10,
    slot: 21,
    parent: fill(32, 0xa0),
    producer: 'alice',
    activeVersion: 2,
    pendingVersion: 0,
    txRoot: fill(32, 0x11),
    stateRoot: new Uint8Array(32),
    ancestorsRoot: fill(32, 0x22),
    justify: { id: fill(32, 0x33), num: 9, slot: 20 },
    finalRef: { id: fill(32, 0x44), num: 8, slot: 19 },
    producerSig: fill(64, 0x55),
  };
}

function fullHeader(): BlockHeader {
  return {
    ...baseHeader(),
    pendingVersion: 3,
    newSchedule: { version: 4, producers: [{ name: 'alice', key: fill(32, 1) }, { name: 'bob', key: fill(32, 2) }] },
    evidence: [{ type: 1, data: Uint8Array.of(1, 2, 3) }, { type: 2, data: new Uint8Array(0) }],
    justifyQc: { ...qc, phase: 'PREPARE', pendingVersion: 0, pendingBitmap: undefined, pendingSigs: undefined } as QC,
    finalQc: qc,
  };
}

function stripUndefined<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? `hex:${toHex(x)}` : x))) as T;
}

function sameHeader(a: BlockHeader, b: BlockHeader): void {
  assert.deepEqual(stripUndefined(a), stripUndefined(b));
}

/** Offset of the flags byte for a header whose producer name has `n` characters. */
const flagsOffset = (n: number) => 1 + 32 + 4 + 4 + 32 + 1 + n + 4 + 4 + 96 + 40 + 40;

test('header codec: a minimal and a full header round-trip byte for byte', () => {
  for (const h of [baseHeader(), fullHeader()]) {
    const bytes = encodeHeader(h);
    const r = decodeHeader(bytes);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    sameHeader(r.value, h);
    assert.deepEqual(encodeHeader(r.value), bytes);
  }
  assert.equal(encodeHeader(baseHeader()).length, flagsOffset(5) + 1 + 64);
});

test('header codec: every truncation is BLOCK_TRUNCATED and a trailing byte is BLOCK_TRAILING_BYTES', () => {
  const bytes = encodeHeader(fullHeader());
  for (let n = 0; n < bytes.length; n++) {
    const r = decodeHeader(bytes.subarray(0, n));
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'BLOCK_TRUNCATED', `prefix of ${n} bytes`);
  }
  const r = decodeHeader(concatBytes(bytes, Uint8Array.of(0)));
  assert.equal(r.ok ? 'ok' : r.error.code, 'BLOCK_TRAILING_BYTES');
});

function decodeCode(bytes: Uint8Array): string {
  const r = decodeHeader(bytes);
  return r.ok ? 'ok' : r.error.code;
}

test('header codec: rejects an unknown format, unknown flags, bad names and out-of-bound lists', () => {
  const b = encodeHeader(baseHeader());
  const fmt = b.slice();
  fmt[0] = 2;
  assert.equal(decodeCode(fmt), 'BLOCK_BAD_FORMAT');

  const flags = b.slice();
  flags[flagsOffset(5)] = 0x10;
  assert.equal(decodeCode(flags), 'BLOCK_BAD_FLAGS');

  const upper = b.slice();
  upper[74] = 'A'.charCodeAt(0);
  assert.equal(decodeCode(upper), 'BLOCK_BAD_NAME');

  const longName = b.slice();
  longName[73] = 33;
  assert.equal(decodeCode(longName), 'BLOCK_LIMIT');

  // Evidence list present but empty.
  const h = baseHeader();
  const withEv = encodeHeader({ ...h, evidence: [{ type: 9, data: Uint8Array.of(5) }] });
  const off = flagsOffset(5) + 1;
  const emptyEv = concatBytes(withEv.subarray(0, off), Uint8Array.of(0), withEv.subarray(off + 1 + 1 + 1 + 1));
  assert.equal(decodeCode(emptyEv), 'BLOCK_NONCANONICAL');

  // Schedule count written as a non-minimal CompactSize (fd 02 00).
  const withSched = encodeHeader({ ...h, newSchedule: { version: 1, producers: [{ name: 'a', key: fill(32, 1) }, { name: 'b', key: fill(32, 2) }] } });
  const cnt = flagsOffset(5) + 1 + 4;
  assert.equal(withSched[cnt], 2);
  const nonMinimal = concatBytes(withSched.subarray(0, cnt), Uint8Array.of(0xfd, 2, 0), withSched.subarray(cnt + 1));
  assert.equal(decodeCode(nonMinimal), 'BLOCK_NONCANONICAL');

  // 65 schedule members exceed the bound.
  const tooMany = concatBytes(withSched.subarray(0, cnt), Uint8Array.of(65), withSched.subarray(cnt + 1));
  assert.equal(decodeCode(tooMany), 'BLOCK_LIMIT');
});

test('QC codec: round trip, implied signature count, bad phase, oversized bitmap', () => {
  const bytes = encodeQc(qc);
  const r = decodeQc(bytes);
  assert.ok(r.ok);
  assert.deepEqual(stripUndefined(r.value), stripUndefined(qc));
  assert.equal(bytes.length, 1 + 40 + 4 + 2 + 3 * 64 + 4 + 3 + 64);

  const phase = bytes.slice();
  phase[0] = 3;
  const p = decodeQc(phase);
  assert.equal(p.ok ? 'ok' : p.error.code, 'BLOCK_BAD_PHASE');

  const bigBitmap = concatBytes(bytes.subarray(0, 45), Uint8Array.of(9), new Uint8Array(9), bytes.subarray(47));
  const b = decodeQc(bigBitmap);
  assert.equal(b.ok ? 'ok' : b.error.code, 'BLOCK_LIMIT');

  // One more bit set than signatures present: the data runs out.
  const moreBits = bytes.slice();
  moreBits[46] = 0b1111;
  const m = decodeQc(moreBits);
  assert.equal(m.ok, false);
});

test('encoders: inconsistent values throw BLOCK_ENCODE_INVALID instead of writing garbage', () => {
  const code = (f: () => unknown) => {
    try {
      f();
      return 'no throw';
    } catch (e) {
      return (e as { code?: string }).code;
    }
  };
  assert.equal(code(() => encodeQc({ ...qc, activeSigs: [fill(64, 1)] })), 'BLOCK_ENCODE_INVALID');
  assert.equal(code(() => encodeQc({ ...qc, pendingBitmap: undefined })), 'BLOCK_ENCODE_INVALID');
  assert.equal(code(() => encodeQc({ ...qc, pendingVersion: 0 })), 'BLOCK_ENCODE_INVALID');
  assert.equal(code(() => encodeHeader({ ...baseHeader(), producer: 'Bob' })), 'BLOCK_ENCODE_INVALID');
  assert.equal(code(() => encodeHeader({ ...baseHeader(), num: -1 })), 'CODEC_RANGE');
  assert.equal(code(() => encodeHeader({ ...baseHeader(), parent: fill(31, 0) })), 'CODEC_RANGE');
  // An empty evidence list is written as absent.
  assert.deepEqual(encodeHeader({ ...baseHeader(), evidence: [] }), encodeHeader(baseHeader()));
});

function sampleTx(): Transaction {
  const tx = new Transaction();
  tx.version = 2;
  tx.addInput(fill(32, 9), 1, 0xfffffffe, Uint8Array.of(0x51));
  tx.addOutput(Uint8Array.of(0x76, 0xa9), 12345n);
  tx.addOutput(new Uint8Array(300), 0n);
  tx.locktime = 77;
  return tx;
}

test('block codec: header + coinbase + transaction round-trip, txids preserved', () => {
  const txs = [buildCoinbase(10, Uint8Array.of(0x51), 100n), sampleTx()];
  const block = { header: fullHeader(), txs };
  const bytes = encodeBlock(block);
  const r = decodeBlock(bytes);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  sameHeader(r.value.header, block.header);
  assert.deepEqual(r.value.txs.map((t) => t.getId()), txs.map((t) => t.getId()));
  assert.deepEqual(encodeBlock(r.value), bytes);
});

test('block codec: truncation, trailing bytes, size limit and a witness-serialized transaction are rejected', () => {
  const block = { header: baseHeader(), txs: [buildCoinbase(1, Uint8Array.of(0x51), 1n), sampleTx()] };
  const bytes = encodeBlock(block);
  const code = (b: Uint8Array, maxBytes?: number) => {
    const r = decodeBlock(b, maxBytes === undefined ? {} : { maxBytes });
    return r.ok ? 'ok' : r.error.code;
  };
  for (let n = 0; n < bytes.length; n += 7) assert.notEqual(code(bytes.subarray(0, n)), 'ok', `prefix ${n}`);
  assert.equal(code(bytes.subarray(0, bytes.length - 1)), 'BLOCK_TRUNCATED');
  assert.equal(code(concatBytes(bytes, Uint8Array.of(0))), 'BLOCK_TRAILING_BYTES');
  assert.equal(code(bytes, bytes.length), 'ok');
  assert.equal(code(bytes, bytes.length - 1), 'BLOCK_TOO_LARGE');

  // The same transaction in segwit form (marker, flag, one witness item) is refused.
  const hdr = encodeHeader(baseHeader());
  const seg = sampleTx();
  seg.setWitness(0, [Uint8Array.of(1)]);
  const withWitness = concatBytes(hdr, Uint8Array.of(1), seg.toBuffer());
  assert.equal(code(withWitness), 'BLOCK_BAD_TX', 'read as legacy, the marker is a zero input count and the rest does not parse');
  assert.throws(() => encodeBlock({ header: baseHeader(), txs: [seg] }), /legacy serialization only/);

  // A transaction with a non-minimal CompactSize for its input count.
  const raw = sampleTx().toBuffer();
  const nonMinimal = concatBytes(raw.subarray(0, 4), Uint8Array.of(0xfd, 1, 0), raw.subarray(5));
  assert.equal(code(concatBytes(hdr, Uint8Array.of(1), nonMinimal)), 'BLOCK_NONCANONICAL');
});

test('block codec: segwit bytes that also scan as a legacy transaction are refused with BLOCK_TX_NONCANONICAL', () => {
  // A segwit transaction whose marker/flag read as legacy "0 inputs, 1 output": the output's script
  // length byte (offset 14) falls inside the segwit prevout hash, so it is set to make the legacy
  // reading end exactly where the segwit one ends. The scan accepts it; only the canonical check
  // (bitcoinjs-lib reads it as segwit, with a witness) can refuse it.
  const seg = new Transaction();
  seg.version = 2;
  seg.addInput(fill(32, 9), 0, 0xffffffff, Uint8Array.of());
  seg.addOutput(Uint8Array.of(0x51), 1n);
  seg.setWitness(0, [Uint8Array.of(7)]);
  const len = seg.toBuffer().length;
  const hash = fill(32, 9);
  hash[14 - 7] = len - 4 - 2 - 8 - 1 - 4; // version, marker+flag, value, script length byte, locktime
  seg.ins[0]!.hash = hash;
  const raw = seg.toBuffer();
  assert.equal(raw[14], len - 19);
  const hdr = encodeHeader(baseHeader());
  const r = decodeBlock(concatBytes(hdr, Uint8Array.of(1), raw));
  assert.equal(r.ok ? 'ok' : r.error.code, 'BLOCK_TX_NONCANONICAL');
  // The same transaction without its witness is legacy-shaped and decodes, txid intact.
  seg.setWitness(0, []);
  const plain = decodeBlock(concatBytes(hdr, Uint8Array.of(1), seg.toBuffer()));
  assert.ok(plain.ok);
  assert.equal(plain.value.txs[0]!.getId(), seg.getId());
});

test('block id: a tagged hash of the unsigned header that ignores the signature and covers every field', () => {
  const h = baseHeader();
  const id = blockId(h);
  assert.equal(id.length, 32);
  assert.deepEqual(blockId({ ...h, producerSig: fill(64, 0x99) }), id, 'signature not covered');
  assert.deepEqual(encodeUnsignedHeader(h), encodeHeader(h).subarray(0, encodeHeader(h).length - 64));
  const variants: Partial<BlockHeader>[] = [
    { chainId: fill(32, 0xc2) },
    { num: 11 },
    { slot: 22 },
    { parent: fill(32, 0xa1) },
    { producer: 'alicf' },
    { activeVersion: 3 },
    { pendingVersion: 1 },
    { txRoot: fill(32, 0x12) },
    { stateRoot: fill(32, 1) },
    { ancestorsRoot: fill(32, 0x23) },
    { justify: { ...h.justify, slot: 18 } },
    { finalRef: { ...h.finalRef, num: 7 } },
    { evidence: [{ type: 1, data: Uint8Array.of(1) }] },
    { finalQc: qc },
  ];
  const ids = new Set([toHex(id)]);
  for (const v of variants) ids.add(toHex(blockId({ ...h, ...v })));
  assert.equal(ids.size, variants.length + 1);
  assert.deepEqual(blockRef(h), { id, num: 10, slot: 21 });
});

test('block signature: signs the id, verifies with the producer key, fails on tampering or another key', () => {
  const signed = signBlockHeader(baseHeader(), priv, AUX0);
  assert.ok(verifyBlockSignature(signed, pub));
  assert.ok(schnorrVerify(signed.producerSig, pub, blockId(signed)), 'a plain BIP-340 signature over the id');
  assert.equal(verifyBlockSignature({ ...signed, slot: signed.slot + 1 }, pub), false);
  assert.equal(verifyBlockSignature(signed, xOnlyPublicKeyFromPrivate(sha256(utf8('bob')))), false);
  assert.equal(verifyBlockSignature({ ...signed, producerSig: new Uint8Array(64) }, pub), false);
  assert.equal(verifyBlockSignature({ ...signed, producer: 'NOT VALID' }, pub), false, 'unencodable header: false, no throw');
  const again = signBlockHeader(baseHeader(), priv, fill(32, 1));
  assert.notDeepEqual(again.producerSig, signed.producerSig);
  assert.deepEqual(blockId(again), blockId(signed), 'same block whatever the aux randomness');
});

test('vote signing bytes: 85 bytes chainId ‖ phase ‖ id ‖ num ‖ slot ‖ versions', () => {
  const v = { chainId: fill(32, 0xc1), phase: 'COMMIT' as const, block: { id: fill(32, 7), num: 0x01020304, slot: 5 }, activeVersion: 2, pendingVersion: 3 };
  const b = voteSigningBytes(v);
  assert.equal(toHex(b), 'c1'.repeat(32) + '02' + '07'.repeat(32) + '04030201' + '05000000' + '02000000' + '03000000');
});

test('signature domains: block, PREPARE and COMMIT signatures and chain ids never cross over', () => {
  const h = signBlockHeader(baseHeader(), priv, AUX0);
  const ref = blockRef(h);
  const prepare = { chainId: h.chainId, phase: 'PREPARE' as const, block: ref, activeVersion: 2, pendingVersion: 0 };
  const commit = { ...prepare, phase: 'COMMIT' as const };
  const sigP = signVote(prepare, priv, AUX0);
  assert.ok(verifyVote(prepare, sigP, pub));
  assert.equal(verifyVote(commit, sigP, pub), false, 'a PREPARE vote is not a COMMIT vote');
  assert.equal(verifyVote({ ...prepare, chainId: fill(32, 0xc2) }, sigP, pub), false, 'another chain');
  assert.equal(verifyVote({ ...prepare, pendingVersion: 1 }, sigP, pub), false, 'other versions');
  assert.equal(verifyVote(prepare, h.producerSig, pub), false, 'a block signature is not a vote');
  assert.equal(verifyBlockSignature({ ...h, producerSig: sigP }, pub), false, 'a vote is not a block signature');
  // Signing the untagged preimage (wrong domain) does not give a valid vote.
  const untagged = schnorrSign(sha256(voteSigningBytes(prepare)), priv, AUX0);
  assert.equal(verifyVote(prepare, untagged, pub), false);
  assert.notDeepEqual(voteDigest(prepare), voteDigest(commit));
  assert.equal(verifyVote(prepare, Uint8Array.of(1, 2), pub), false);
});
