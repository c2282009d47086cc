import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Transaction } from 'bitcoinjs-lib';
import { sha256 } from '../../src/crypto/hash.ts';
import { toHex, utf8 } from '../../src/util/bytes.ts';
import { decodeBlock, decodeHeader, decodeQc, encodeBlock, encodeHeader, encodeQc, popcount } from '../../src/chain/block/index.ts';
import type { Block, BlockHeader, QC } from '../../src/chain/block/index.ts';
import { merkleBranch, merkleRoot, merkleRootFromBranch } from '../../src/chain/merkle.ts';
import { ancestorsFromIds, ancestorsRoot, proveAncestor, verifyAncestor } from '../../src/chain/block/ancestors.ts';
import { buildCoinbase } from '../../src/chain/genesis.ts';

const runs = Number(process.env['CCHOST_FUZZ_RUNS'] ?? 300);

const b32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const sig = fc.uint8Array({ minLength: 64, maxLength: 64 });
const u32 = fc.nat({ max: 0xffffffff });
const name = fc.stringMatching(/^[a-z][a-z0-9._-]{0,31}$/);
const ref = fc.record({ id: b32, num: u32, slot: u32 });

const signed = fc
  .uint8Array({ maxLength: 8 })
  .chain((bitmap) => fc.array(sig, { minLength: popcount(bitmap), maxLength: popcount(bitmap) }).map((sigs) => ({ bitmap, sigs })));

const qcArb: fc.Arbitrary<QC> = fc
  .record({
    phase: fc.constantFrom('PREPARE' as const, 'COMMIT' as const),
    block: ref,
    activeVersion: u32,
    active: signed,
    pendingVersion: u32,
    pending: signed,
  })
  .map(({ active, pending, ...r }) =>
    r.pendingVersion === 0
      ? { ...r, activeBitmap: active.bitmap, activeSigs: active.sigs }
      : { ...r, activeBitmap: active.bitmap, activeSigs: active.sigs, pendingBitmap: pending.bitmap, pendingSigs: pending.sigs },
  );

const headerArb: fc.Arbitrary<BlockHeader> = fc.record(
  {
    chainId: b32,
    num: u32,
    slot: u32,
    parent: b32,
    producer: fc.oneof(name, fc.constant('')),
    activeVersion: u32,
    pendingVersion: u32,
    txRoot: b32,
    stateRoot: b32,
    ancestorsRoot: b32,
    justify: ref,
    finalRef: ref,
    newSchedule: fc.record({ version: u32, producers: fc.array(fc.record({ name, key: b32 }), { minLength: 1, maxLength: 5 }) }),
    evidence: fc.array(fc.record({ type: fc.nat({ max: 255 }), data: fc.uint8Array({ maxLength: 80 }) }), { minLength: 1, maxLength: 3 }),
    justifyQc: qcArb,
    finalQc: qcArb,
    producerSig: sig,
  },
  {
    requiredKeys: [
      'chainId',
      'num',
      'slot',
      'parent',
      'producer',
      'activeVersion',
      'pendingVersion',
      'txRoot',
      'stateRoot',
      'ancestorsRoot',
      'justify',
      'finalRef',
      'producerSig',
    ],
  },
);

const txArb: fc.Arbitrary<Transaction> = fc
  .record({
    version: u32,
    locktime: u32,
    ins: fc.array(fc.record({ hash: b32, index: u32, script: fc.uint8Array({ maxLength: 300 }), sequence: u32 }), { minLength: 1, maxLength: 3 }),
    outs: fc.array(fc.record({ value: fc.bigInt({ min: 0n, max: 0x7fffffffffffffffn }), script: fc.uint8Array({ maxLength: 300 }) }), { maxLength: 3 }),
  })
  .map((r) => {
    const tx = new Transaction();
    tx.version = r.version;
    tx.locktime = r.locktime;
    for (const i of r.ins) tx.addInput(i.hash, i.index, i.sequence, i.script);
    for (const o of r.outs) tx.addOutput(o.script, o.value);
    return tx;
  });

const blockArb: fc.Arbitrary<Block> = fc.record({ header: headerArb, txs: fc.array(txArb, { maxLength: 4 }) });

/** A JSON-comparable view (bytes as hex, optional fields absent). */
function view(v: unknown): unknown {
  return JSON.parse(
    JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? `hex:${toHex(x)}` : typeof x === 'bigint' ? `${x}n` : x instanceof Transaction ? x.toHex() : x)),
  );
}

/** A random edit of a byte string: flip, truncate, extend or splice. */
const edit = (bytes: Uint8Array) =>
  fc.oneof(
    fc.record({ at: fc.nat({ max: bytes.length - 1 }), v: fc.nat({ max: 255 }) }).map(({ at, v }) => {
      const b = bytes.slice();
      b[at] = v;
      return b;
    }),
    fc.nat({ max: bytes.length }).map((n) => bytes.slice(0, n)),
    fc.uint8Array({ minLength: 1, maxLength: 8 }).map((x) => Uint8Array.from([...bytes, ...x])),
    fc.record({ at: fc.nat({ max: bytes.length }), x: fc.uint8Array({ minLength: 1, maxLength: 4 }) }).map(({ at, x }) =>
      Uint8Array.from([...bytes.subarray(0, at), ...x, ...bytes.subarray(at)]),
    ),
  );

test('property: decoders never throw on arbitrary bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
      for (const r of [decodeHeader(b), decodeBlock(b), decodeQc(b)]) {
        assert.equal(typeof r.ok, 'boolean');
        if (!r.ok) assert.match(r.error.code, /^BLOCK_/);
      }
    }),
    { numRuns: runs },
  );
});

test('property: header decode∘encode is the identity (values and bytes)', () => {
  fc.assert(
    fc.property(headerArb, (h) => {
      const bytes = encodeHeader(h);
      const r = decodeHeader(bytes);
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      assert.deepEqual(view(r.value), view(h));
      assert.deepEqual(encodeHeader(r.value), bytes);
    }),
    { numRuns: runs },
  );
});

test('property: QC decode∘encode is the identity', () => {
  fc.assert(
    fc.property(qcArb, (qc) => {
      const r = decodeQc(encodeQc(qc));
      assert.ok(r.ok);
      assert.deepEqual(view(r.value), view(qc));
    }),
    { numRuns: runs },
  );
});

test('property: block decode∘encode is the identity, txids included', () => {
  fc.assert(
    fc.property(blockArb, (b) => {
      const bytes = encodeBlock(b);
      const r = decodeBlock(bytes);
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      assert.deepEqual(view(r.value.header), view(b.header));
      assert.deepEqual(r.value.txs.map((t) => t.getId()), b.txs.map((t) => t.getId()));
      assert.deepEqual(encodeBlock(r.value), bytes);
    }),
    { numRuns: Math.max(50, Math.floor(runs / 2)) },
  );
});

test('property: an edited valid encoding never throws, and whatever decodes re-encodes to exactly its bytes', () => {
  fc.assert(
    fc.property(
      blockArb.chain((b) => edit(encodeBlock(b))),
      (bytes) => {
        const r = decodeBlock(bytes);
        if (r.ok) assert.deepEqual(encodeBlock(r.value), bytes);
        const h = decodeHeader(bytes);
        if (h.ok) assert.deepEqual(encodeHeader(h.value), bytes);
      },
    ),
    { numRuns: runs },
  );
});

test('property: a coinbase block of any height round-trips', () => {
  fc.assert(
    fc.property(headerArb, fc.integer({ min: 1, max: 0xffffffff }), fc.bigInt({ min: 0n, max: 21_000_000n * 100_000_000n }), (h, height, amount) => {
      const block = { header: h, txs: [buildCoinbase(height, Uint8Array.of(0x51), amount)] };
      const r = decodeBlock(encodeBlock(block));
      assert.ok(r.ok);
      assert.ok(r.value.txs[0]!.isCoinbase());
      assert.equal(r.value.txs[0]!.outs[0]!.value, amount);
    }),
    { numRuns: Math.max(50, Math.floor(runs / 2)) },
  );
});

test('property: merkle branches prove every leaf; the mutated flag is off for distinct leaves', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), (n, seed) => {
      const leaves = Array.from({ length: n }, (_, i) => sha256(utf8(`${seed}:${i}`)));
      const { root, mutated } = merkleRoot(leaves);
      assert.equal(mutated, false);
      const i = seed % n;
      assert.deepEqual(merkleRootFromBranch(leaves[i]!, i, merkleBranch(leaves, i)), root);
    }),
    { numRuns: Math.max(50, Math.floor(runs / 3)) },
  );
});

test('property: ancestry proofs verify for any position and range, and not for another range', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), (count, seed) => {
      const ids = Array.from({ length: count + 1 }, (_, i) => sha256(utf8(`${seed}/${i}`)));
      const index = seed % count;
      const proof = proveAncestor(ids, index, count);
      assert.ok(verifyAncestor(ancestorsRoot(ancestorsFromIds(ids.slice(0, count))), ids[index]!, proof));
      assert.equal(verifyAncestor(ancestorsRoot(ancestorsFromIds(ids)), ids[index]!, proof), false);
    }),
    { numRuns: Math.max(50, Math.floor(runs / 3)) },
  );
});
