import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256 } from '../../src/crypto/hash.ts';
import { addressFromPubkey } from '../../src/crypto/address.ts';
import { publicKeyFromPrivate, xOnlyPublicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { toHex, utf8 } from '../../src/util/bytes.ts';
import { blockId, decodeBlock, encodeBlock, encodeHeader } from '../../src/chain/block/index.ts';
import { NULL_BLOCK_REF, buildCoinbase, buildGenesisBlock, buildGenesisTransaction, genesisRef, scriptNumPush } from '../../src/chain/genesis.ts';
import { chainIdBytes, defaultDevSpec } from '../../src/chain/spec/index.ts';
import type { ChainSpec } from '../../src/chain/spec/index.ts';
import { COIN } from '../../src/chain/params.ts';
import { checkTransaction } from '../../src/chain/checkTransaction.ts';

const priv = (s: string) => sha256(utf8(s));
const addr = (s: string) => addressFromPubkey(publicKeyFromPrivate(priv(s)));

function devSpec(over: { genesisTimeMs?: number; allocations?: boolean } = {}): ChainSpec {
  return defaultDevSpec({
    producerKey: xOnlyPublicKeyFromPrivate(priv('producer')),
    genesisTimeMs: over.genesisTimeMs ?? 1_735_689_600_000,
    allocations:
      over.allocations === false
        ? []
        : [
            { address: addr('alice'), amount: 1000n * COIN },
            { script: Uint8Array.of(0x51), amount: 5n },
          ],
  });
}

test('genesis: deterministic, and any spec change gives another genesis block', () => {
  const a = encodeBlock(buildGenesisBlock(devSpec()));
  const b = encodeBlock(buildGenesisBlock(devSpec()));
  assert.deepEqual(a, b);
  const other = encodeBlock(buildGenesisBlock(devSpec({ genesisTimeMs: 1_735_689_600_001 })));
  assert.notDeepEqual(other, a);
  assert.notDeepEqual(genesisRef(devSpec()).id, genesisRef(devSpec({ genesisTimeMs: 1 })).id);
});

test('genesis: header fields (slot 0, null parent and refs, no producer, null signature, roots)', () => {
  const spec = devSpec();
  const { header, txs } = buildGenesisBlock(spec);
  assert.equal(header.num, 0);
  assert.equal(header.slot, 0);
  assert.equal(header.producer, '');
  assert.deepEqual(header.parent, new Uint8Array(32));
  assert.deepEqual(header.chainId, chainIdBytes(spec));
  assert.equal(header.activeVersion, 1);
  assert.equal(header.pendingVersion, 0);
  assert.deepEqual(header.txRoot, txs[0]!.getHash(), 'one transaction: the root is its txid');
  assert.deepEqual(header.stateRoot, new Uint8Array(32));
  assert.deepEqual(header.ancestorsRoot, new Uint8Array(32), 'no ancestors');
  assert.deepEqual(header.justify, NULL_BLOCK_REF);
  assert.deepEqual(header.finalRef, NULL_BLOCK_REF);
  assert.deepEqual(header.producerSig, new Uint8Array(64));
  assert.equal(txs.length, 1);
  assert.deepEqual(genesisRef(spec), { id: blockId(header), num: 0, slot: 0 });
  assert.ok(encodeHeader(header).length <= 400, 'the bound parseChainSpec assumes');
});

test('genesis: the transaction is a coinbase committing to the chain id and paying the allocations in order', () => {
  const spec = devSpec();
  const tx = buildGenesisTransaction(spec);
  assert.ok(tx.isCoinbase());
  assert.equal(toHex(tx.ins[0]!.script), '0020' + toHex(chainIdBytes(spec)));
  assert.deepEqual(
    tx.outs.map((o) => [toHex(o.script), o.value]),
    spec.allocations.map((a) => [toHex(a.script), a.amount]),
  );
  assert.equal(tx.outs[0]!.value, 1000n * COIN);
  const empty = buildGenesisTransaction(devSpec({ allocations: false }));
  assert.deepEqual(empty.outs.map((o) => [toHex(o.script), o.value]), [['6a', 0n]], 'an OP_RETURN when nothing is allocated');
});

test('genesis: the block round-trips through the codec within the chain size limit', () => {
  const spec = devSpec();
  const bytes = encodeBlock(buildGenesisBlock(spec));
  const r = decodeBlock(bytes, { maxBytes: spec.limits.maxBlockBytes });
  assert.ok(r.ok);
  assert.deepEqual(encodeBlock(r.value), bytes);
});

test('coinbase: BIP34 height push as Core writes it, then OP_0 or the extra nonce', () => {
  const cases: [number, string][] = [
    [1, '51'],
    [16, '60'],
    [17, '0111'],
    [127, '017f'],
    [128, '028000'],
    [255, '02ff00'],
    [256, '020001'],
    [65535, '03ffff00'],
    [8_388_608, '0400008000'],
    [2 ** 31, '050000008000'],
  ];
  for (const [h, push] of cases) {
    assert.equal(toHex(scriptNumPush(h)), push, `height ${h}`);
    const cb = buildCoinbase(h, Uint8Array.of(0x51), 7n);
    assert.equal(toHex(cb.ins[0]!.script), push + '00');
    assert.ok(cb.ins[0]!.script.length >= 2, "Core's minimum coinbase scriptSig length");
    assert.ok(cb.isCoinbase());
  }
  assert.equal(toHex(scriptNumPush(0)), '00');
  assert.equal(toHex(scriptNumPush(-1)), '4f');
  assert.equal(toHex(scriptNumPush(-200)), '02c880');
  const withNonce = buildCoinbase(300, Uint8Array.of(0x51), 7n, Uint8Array.of(0xaa, 0xbb));
  assert.equal(toHex(withNonce.ins[0]!.script), '022c01' + '02aabb');
});

test('coinbase: pays the amount to the producer script; heights and nonces give distinct txids', () => {
  const script = Uint8Array.of(0x76, 0xa9, 0x14, ...new Uint8Array(20), 0x88, 0xac);
  const cb = buildCoinbase(5, script, 3n * COIN + 1234n);
  assert.deepEqual(cb.outs.map((o) => [toHex(o.script), o.value]), [[toHex(script), 3n * COIN + 1234n]]);
  const ids = new Set([1, 2, 3, 1000].map((h) => buildCoinbase(h, script, 1n).getId()));
  ids.add(buildCoinbase(1, script, 1n, Uint8Array.of(1)).getId());
  assert.equal(ids.size, 5);
  assert.throws(() => buildCoinbase(0, script, 1n), RangeError);
  assert.throws(() => buildCoinbase(1, script, 1n, new Uint8Array(76)), RangeError);
});

test("genesis and coinbase transactions pass Core's CheckTransaction", () => {
  const spec = devSpec();
  for (const tx of [
    buildGenesisTransaction(spec),
    buildGenesisTransaction(devSpec({ allocations: false })),
    ...[1, 16, 17, 1_000_000, 0xffffffff].map((h) => buildCoinbase(h, Uint8Array.of(0x51), 3n * COIN)),
    buildCoinbase(2, Uint8Array.of(0x51), 0n, new Uint8Array(75)),
  ]) {
    const r = checkTransaction(tx, { maxTxBytes: spec.limits.maxTxBytes });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
  }
});
