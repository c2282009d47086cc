import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transaction } from 'bitcoinjs-lib';
import { encodeBlock } from '../../src/chain/block/block.ts';
import { blockId } from '../../src/chain/block/sign.ts';
import type { Schedule } from '../../src/chain/block/types.ts';
import { buildCoinbase } from '../../src/chain/genesis.ts';
import { MAX_MONEY, blockReward } from '../../src/chain/params.ts';
import { txidOf } from '../../src/chain/state/txid.ts';
import { outpointKey } from '../../src/chain/state/types.ts';
import type { BlockDelta } from '../../src/chain/state/types.ts';
import { undoOps } from '../../src/chain/state/delta.ts';
import { blockSize } from '../../src/chain/validation/body.ts';
import { connectBlock, hasCoinbaseHeight, validateBlock } from '../../src/chain/validation/connect.ts';
import { producerForSlot } from '../../src/chain/validation/producer.ts';
import { COIN, TestChain, makeSpec, outOf, p2pkh, spend } from './chain_validation_fixture.ts';

const OP_TRUE = Uint8Array.of(0x51);

function rejects(chain: TestChain, block: ReturnType<TestChain['assemble']>, code: string, extra: Parameters<TestChain['ctx']>[0] = {}) {
  const before = chain.view.snapshot();
  const r = connectBlock(chain.view, block, chain.ctx(extra));
  assert.ok(!r.ok, `expected ${code}`);
  assert.equal(r.error.code, code, r.error.message);
  assert.deepEqual(chain.view.snapshot(), before, 'a rejected block changes nothing');
  return r.error;
}

test('producerForSlot: sorted[(slot / turn) mod n], whatever order the schedule lists', () => {
  const key = new Uint8Array(32);
  const s: Schedule = { version: 1, producers: [{ name: 'carol', key }, { name: 'alice', key }, { name: 'bob', key }] };
  const names = [0, 11, 12, 23, 24, 36, 47].map((slot) => producerForSlot(s, slot, 12).name);
  assert.deepEqual(names, ['alice', 'alice', 'bob', 'bob', 'carol', 'alice', 'alice']);
  assert.equal(producerForSlot(s, 5, 1).name, 'carol');
  assert.throws(() => producerForSlot({ version: 1, producers: [] }, 0, 12), RangeError);
});

test('a built block connects, pays reward + fees to the producer, and its delta is exactly the one connectBlock computes', () => {
  const chain = new TestChain();
  const a = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  const b = spend([chain.genesisInput(4, 'bob')], [{ script: p2pkh('carol'), value: 99n * COIN }]);
  const built = chain.build([a, b]);
  assert.ok(built.ok);
  const { block, delta } = built.value;
  assert.equal(block.txs.length, 3);
  assert.equal(block.txs[0]!.outs[0]!.value, blockReward(chain.spec, 1) + 2n * COIN);
  assert.deepEqual(block.txs[0]!.outs[0]!.script, p2pkh('producer'));
  const r = connectBlock(chain.view, block, chain.ctx());
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const norm = (d: BlockDelta) => ({
    height: d.height,
    id: d.id,
    bytes: d.blockBytes,
    txids: d.txids,
    created: d.created.map((e) => [outpointKey(e.outpoint), e.coin.value, e.coin.height, e.coin.coinbase]),
    spent: d.spent.map((e) => [outpointKey(e.outpoint), e.coin.value, e.spender.vin]),
    spentInBlock: d.spentInBlock.length,
    fees: d.fees,
  });
  assert.deepEqual(norm(r.value), norm(delta));
  assert.deepEqual(delta.id, blockId(block.header));
  assert.deepEqual(delta.blockBytes, encodeBlock(block));
  assert.equal(delta.blockBytes.length, blockSize(block));
  assert.equal(delta.fees, 2n * COIN);
  assert.deepEqual(delta.txids, block.txs.map(txidOf));
});

test('dependent transactions inside one block connect; the delta lists same-block spends in spentInBlock only', () => {
  const chain = new TestChain();
  const t1 = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  const t2 = spend([outOf(t1, 0, 'bob')], [{ script: p2pkh('carol'), value: 998n * COIN }, { script: p2pkh('bob'), value: 0n }]);
  const t3 = spend([outOf(t2, 0, 'carol')], [{ script: p2pkh('alice'), value: 997n * COIN }]);
  const r = chain.connect(chain.assemble([t1, t2, t3], { fees: 3n * COIN }));
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const d = r.value;
  assert.deepEqual(d.spent.map((e) => outpointKey(e.outpoint)), [outpointKey({ txid: chain.genesis.txids[0]!, vout: 0 })]);
  assert.deepEqual(d.spent[0]!.spender, { txid: txidOf(t1), vin: 0 });
  assert.deepEqual(
    d.spentInBlock.map((e) => [outpointKey(e.outpoint), e.spender.vin, e.coin.height]),
    [
      [outpointKey({ txid: txidOf(t1), vout: 0 }), 0, 1],
      [outpointKey({ txid: txidOf(t2), vout: 0 }), 0, 1],
    ],
  );
  const created = d.created.map((e) => outpointKey(e.outpoint));
  assert.deepEqual(created, [
    outpointKey({ txid: d.txids[0]!, vout: 0 }),
    outpointKey({ txid: txidOf(t2), vout: 1 }),
    outpointKey({ txid: txidOf(t3), vout: 0 }),
  ]);
  assert.equal(d.created[0]!.coin.coinbase, true);
  assert.equal(d.created[1]!.coin.coinbase, false);
  assert.equal(d.fees, 3n * COIN);
});

test('a child placed before its parent in a block is BLOCK_TX_INVALID / TX_MISSING_INPUTS', () => {
  const chain = new TestChain();
  const t1 = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  const t2 = spend([outOf(t1, 0, 'bob')], [{ script: p2pkh('carol'), value: 998n * COIN }]);
  const e = rejects(chain, chain.assemble([t2, t1], { fees: 2n * COIN }), 'BLOCK_TX_INVALID');
  assert.equal(e.txIndex, 1);
  assert.equal(e.txError!.code, 'TX_MISSING_INPUTS');
});

test('connect then disconnect (undo) restores exactly the previous UTXO set', () => {
  const chain = new TestChain();
  const start = chain.view.snapshot();
  const t1 = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 500n * COIN }, { script: Uint8Array.of(0x6a, 1, 7), value: 0n }]);
  const t2 = spend([outOf(t1, 0, 'bob'), chain.genesisInput(5, 'carol')], [{ script: p2pkh('alice'), value: 505n * COIN }]);
  chain.mine([t1, t2]);
  const mid = chain.view.snapshot();
  const t3 = spend([chain.genesisInput(1, 'alice')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  const d2 = chain.mine([t3]);
  assert.notDeepEqual(chain.view.snapshot(), mid);
  const ops = undoOps(d2);
  assert.deepEqual(ops.remove.map(outpointKey), d2.created.map((e) => outpointKey(e.outpoint)));
  assert.deepEqual(ops.restore, d2.spent);
  chain.disconnect();
  assert.deepEqual(chain.view.snapshot(), mid);
  chain.disconnect();
  assert.deepEqual(chain.view.snapshot(), start);
  assert.equal(chain.view.getCoin({ txid: txidOf(t1), vout: 1 }), undefined, 'OP_RETURN outputs never enter the set');
});

test('error: BLOCK_BAD_TXROOT and BLOCK_MUTATED (CVE-2012-2459: a repeated tail gives the same root)', () => {
  const chain = new TestChain();
  const a = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  const b = spend([chain.genesisInput(4, 'bob')], [{ script: p2pkh('carol'), value: 99n * COIN }]);
  rejects(chain, chain.assemble([a, b], { fees: 2n * COIN, header: { txRoot: new Uint8Array(32).fill(1) } }), 'BLOCK_BAD_TXROOT');
  const mutated = chain.assemble([a, b], { fees: 2n * COIN, txsAfter: (l) => [...l, l[2]!] });
  const e = rejects(chain, mutated, 'BLOCK_MUTATED');
  assert.equal(e.reason, 'bad-txns-duplicate');
  assert.ok(validateBlock(chain.view, chain.assemble([a, b], { fees: 2n * COIN }), chain.ctx()).ok, 'the unmutated block is valid');
});

test('error: BLOCK_DUPLICATE_TX for a repeated transaction not caught by the merkle mutation flag', () => {
  const chain = new TestChain();
  const a = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  const b = spend([chain.genesisInput(4, 'bob')], [{ script: p2pkh('carol'), value: 99n * COIN }]);
  const e = rejects(chain, chain.assemble([a, b, a], { fees: 3n * COIN }), 'BLOCK_DUPLICATE_TX');
  assert.equal(e.txIndex, 3);
});

test('error: BLOCK_NO_COINBASE and BLOCK_MULTIPLE_COINBASE', () => {
  const chain = new TestChain();
  const a = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  rejects(chain, chain.assemble([a], { txsAfter: (l) => l.slice(1) }), 'BLOCK_NO_COINBASE');
  rejects(chain, chain.assemble([], { txsAfter: () => [] }), 'BLOCK_NO_COINBASE');
  const cb2 = buildCoinbase(1, p2pkh('bob'), 1n, Uint8Array.of(9));
  const e = rejects(chain, chain.assemble([cb2]), 'BLOCK_MULTIPLE_COINBASE');
  assert.equal(e.txIndex, 1);
});

test('error: BLOCK_BAD_CB_HEIGHT (BIP34) and BLOCK_BAD_CB_AMOUNT at reward + fees + 1', () => {
  const chain = new TestChain();
  rejects(chain, chain.assemble([], { cbHeight: 2 }), 'BLOCK_BAD_CB_HEIGHT');
  assert.equal(hasCoinbaseHeight(buildCoinbase(17, OP_TRUE, 0n), 17), true);
  assert.equal(hasCoinbaseHeight(buildCoinbase(17, OP_TRUE, 0n), 16), false);
  const a = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  const max = blockReward(chain.spec, 1) + COIN;
  const e = rejects(chain, chain.assemble([a], { coinbaseValue: max + 1n }), 'BLOCK_BAD_CB_AMOUNT');
  assert.equal(e.reason, 'bad-cb-amount');
  const ok = chain.connect(chain.assemble([a], { coinbaseValue: max }));
  assert.ok(ok.ok, 'exactly reward + fees is allowed');
});

test('error: BLOCK_OVERSIZE above limits.maxBlockBytes', () => {
  const chain = new TestChain(makeSpec({ maxBlockBytes: 16_000, maxTxBytes: 10_000 }));
  const big = (n: number, v: number) => spend([chain.genesisInput(v, 'alice')], [{ script: p2pkh('bob'), value: 999n * COIN }, { script: new Uint8Array(n).fill(0x6a), value: 0n }]);
  const block = chain.assemble([big(8000, 0), big(8000, 1)], { fees: 2n * COIN });
  const e = rejects(chain, block, 'BLOCK_OVERSIZE');
  assert.match(e.message, /16000/);
  const built = chain.build([big(8000, 0), big(8000, 1)]);
  assert.ok(built.ok);
  assert.equal(built.value.block.txs.length, 2, 'buildBlock leaves out what does not fit');
  assert.ok(built.value.delta.blockBytes.length <= 16_000);
});

test('error: BLOCK_FEES_OUT_OF_RANGE when fees add up beyond MAX_MONEY', () => {
  const chain = new TestChain();
  const ops = [1, 2].map((i) => ({ txid: new Uint8Array(32).fill(0x40 + i), vout: 0 }));
  const coin = { value: MAX_MONEY, script: OP_TRUE, height: 0, coinbase: false };
  for (const op of ops) chain.view.addCoin(op, coin);
  const txs = ops.map((op) => spend([{ outpoint: op, coin, scriptSig: new Uint8Array(0) }], [{ script: OP_TRUE, value: 0n }]));
  const e = rejects(chain, chain.assemble(txs), 'BLOCK_FEES_OUT_OF_RANGE');
  assert.equal(e.txIndex, 2);
});

test('error: BLOCK_TX_INVALID wraps a context-free failure of a transaction', () => {
  const chain = new TestChain();
  const noOut = new Transaction();
  noOut.addInput(Buffer.from(chain.genesis.txids[0]!), 0);
  const e = rejects(chain, chain.assemble([noOut]), 'BLOCK_TX_INVALID');
  assert.equal(e.txError!.code, 'TX_VOUT_EMPTY');
  assert.equal(e.txIndex, 1);
  const witness = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  witness.setWitness(0, [Buffer.from([1])]);
  const w = rejects(chain, chain.assemble([witness], { fees: COIN }), 'BLOCK_TX_INVALID');
  assert.equal(w.txError!.code, 'TX_DECODE_SEGWIT', 'a programmatic transaction object with witness data is refused');
});

test('header errors: chain, height, parent, slot, future slot, versions, ancestors and state roots', () => {
  const chain = new TestChain();
  chain.mine(); // block 1 at slot 1
  rejects(chain, chain.assemble([], { header: { chainId: new Uint8Array(32).fill(5) } }), 'BLOCK_WRONG_CHAIN');
  rejects(chain, chain.assemble([], { header: { num: 3 } }), 'BLOCK_BAD_HEIGHT');
  rejects(chain, chain.assemble([], { header: { parent: new Uint8Array(32).fill(2) } }), 'BLOCK_BAD_PARENT');
  rejects(chain, chain.assemble([], { slot: 1 }), 'BLOCK_BAD_SLOT');
  rejects(chain, chain.assemble([], { slot: 9 }), 'BLOCK_SLOT_IN_FUTURE', { maxSlot: 8 });
  assert.ok(validateBlock(chain.view, chain.assemble([], { slot: 9 }), chain.ctx({ maxSlot: 9 })).ok);
  rejects(chain, chain.assemble([], { header: { activeVersion: 2 } }), 'BLOCK_BAD_SCHEDULE_VERSION');
  rejects(chain, chain.assemble([], { header: { pendingVersion: 2 } }), 'BLOCK_BAD_SCHEDULE_VERSION');
  rejects(chain, chain.assemble([], { header: { ancestorsRoot: new Uint8Array(32) } }), 'BLOCK_BAD_ANCESTORS_ROOT');
  rejects(chain, chain.assemble([], { header: { stateRoot: new Uint8Array(32).fill(1) } }), 'BLOCK_BAD_STATE_ROOT');
});

test('producer checks: the wrong producer for the slot, a signature by another key, a tampered header', () => {
  const chain = new TestChain(makeSpec({ producers: ['pa', 'pb'], turnLength: 12 }));
  // Slots 1..11 are pa's, 12..23 pb's.
  const wrong = chain.build([], { slot: 1, producer: 'pb' });
  assert.ok(!wrong.ok);
  assert.equal(wrong.error.code, 'BLOCK_WRONG_PRODUCER', 'buildBlock refuses a slot that is not ours');
  rejects(chain, chain.assemble([], { slot: 1, header: { producer: 'pb' } }), 'BLOCK_WRONG_PRODUCER');
  rejects(chain, chain.assemble([], { slot: 1, signer: 'pb' }), 'BLOCK_BAD_SIGNATURE');
  const good = chain.assemble([], { slot: 1 });
  rejects(chain, { ...good, header: { ...good.header, justify: { ...good.header.justify, slot: 99 } } }, 'BLOCK_BAD_SIGNATURE');
  const pbBlock = chain.assemble([], { slot: 12, header: { producer: 'pb' } });
  assert.ok(chain.connect(pbBlock).ok, "pb's own slot");
  // A consensus-layer schedule function replaces the default rule.
  const custom = chain.assemble([], { slot: 13, header: { producer: 'pa' } });
  rejects(chain, custom, 'BLOCK_WRONG_PRODUCER');
  assert.ok(validateBlock(chain.view, custom, chain.ctx({ scheduledProducer: () => chain.spec.schedule.producers[0] })).ok);
});
