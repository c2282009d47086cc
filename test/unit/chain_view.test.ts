import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGenesisBlock } from '../../src/chain/genesis.ts';
import { applyDelta, genesisDelta, revertDelta } from '../../src/chain/state/delta.ts';
import { displayOutpoint, displayTxid, outpointKeyFast, txidKey } from '../../src/chain/state/key.ts';
import { MemoryUtxoView } from '../../src/chain/state/memoryView.ts';
import { CoinsOverlay, isUnspendable } from '../../src/chain/state/overlay.ts';
import { txidOf } from '../../src/chain/state/txid.ts';
import { outpointKey } from '../../src/chain/state/types.ts';
import type { BlockDelta, Coin, OutPoint } from '../../src/chain/state/types.ts';
import { reverseBytes, toHex } from '../../src/util/bytes.ts';
import { COIN, makeSpec } from './chain_validation_fixture.ts';

const op = (n: number, vout = 0): OutPoint => ({ txid: new Uint8Array(32).map((_, i) => (n * 31 + i) & 0xff), vout });
const coin = (value: bigint, height = 1): Coin => ({ value, script: Uint8Array.of(0x51), height, coinbase: false });

test('keys: outpointKeyFast equals the contract outpointKey; display forms are reversed hex', () => {
  for (let n = 0; n < 50; n++) {
    const o = op(n, n * 7);
    assert.equal(outpointKeyFast(o), outpointKey(o));
    assert.equal(txidKey(o.txid), toHex(o.txid));
    assert.equal(displayTxid(o.txid), toHex(reverseBytes(o.txid)));
  }
  assert.equal(displayOutpoint(op(1, 5)), `${toHex(reverseBytes(op(1).txid))}:5`);
});

test('MemoryUtxoView: add, get, spend, no silent overwrite, clone independence', () => {
  const v = new MemoryUtxoView([{ outpoint: op(1), coin: coin(5n) }]);
  assert.equal(v.getCoin(op(1))?.value, 5n);
  assert.equal(v.getCoin(op(1, 1)), undefined);
  assert.throws(() => v.addCoin(op(1), coin(6n)), { code: 'STATE_COIN_EXISTS' });
  const c = v.clone();
  assert.equal(v.spendCoin(op(1))?.value, 5n);
  assert.equal(v.spendCoin(op(1)), undefined);
  assert.equal(v.size, 0);
  assert.equal(c.getCoin(op(1))?.value, 5n, 'the clone kept its coin');
});

test('CoinsOverlay: reads through, adds and spends without touching the base, and reports net changes', () => {
  const base = new MemoryUtxoView([
    { outpoint: op(1), coin: coin(10n) },
    { outpoint: op(2), coin: coin(20n) },
  ]);
  const snap = base.snapshot();
  const o = new CoinsOverlay(base);
  assert.equal(o.getCoin(op(1))?.value, 10n);
  o.addCoin(op(3), coin(30n));
  o.addCoin(op(4), coin(40n));
  assert.deepEqual(o.spendCoin(op(1)), { coin: coin(10n), fresh: false });
  assert.deepEqual(o.spendCoin(op(3)), { coin: coin(30n), fresh: true });
  assert.equal(o.spendCoin(op(1)), undefined, 'already spent here');
  assert.equal(o.spendCoin(op(9)), undefined);
  assert.equal(o.getCoin(op(1)), undefined);
  assert.equal(o.getCoin(op(3)), undefined);
  assert.equal(o.getCoin(op(4))?.value, 40n);
  assert.throws(() => o.addCoin(op(2), coin(1n)), { code: 'STATE_COIN_EXISTS' });
  assert.throws(() => o.addCoin(op(4), coin(1n)), { code: 'STATE_COIN_EXISTS' });
  assert.throws(() => o.addCoin(op(1), coin(1n)), { code: 'STATE_COIN_EXISTS' }, 'a spent base coin is not recreated');
  assert.deepEqual(base.snapshot(), snap, 'the base is never written');
  const ch = o.changes();
  assert.deepEqual(ch.created.map((e) => outpointKey(e.outpoint)), [outpointKey(op(4))]);
  assert.deepEqual(ch.spent.map((e) => [outpointKey(e.outpoint), e.coin.value]), [[outpointKey(op(1)), 10n]]);
  o.flushTo(base);
  assert.deepEqual([...base.snapshot().keys()].sort(), [outpointKey(op(2)), outpointKey(op(4))].sort());
});

test('CoinsOverlay: addOutputs skips OP_RETURN and oversized scripts (never spendable)', () => {
  const o = new CoinsOverlay(new MemoryUtxoView());
  const txid = op(7).txid;
  o.addOutputs(txid, [
    { value: 1n, script: Uint8Array.of(0x51) },
    { value: 2n, script: Uint8Array.of(0x6a, 1, 2) },
    { value: 3n, script: new Uint8Array(10_001).fill(0x51) },
    { value: 4n, script: new Uint8Array(10_000).fill(0x51) },
  ], 5, true);
  assert.deepEqual(o.changes().created.map((e) => [e.outpoint.vout, e.coin.height, e.coin.coinbase]), [
    [0, 5, true],
    [3, 5, true],
  ]);
  assert.equal(isUnspendable(new Uint8Array(0)), false);
  assert.throws(() => o.addOutputs(txid, [{ value: 1n, script: Uint8Array.of(0x51) }], 5, false), { code: 'STATE_COIN_EXISTS' }, 'the same outputs twice');
});

test('genesisDelta: every allocation is a height-0 coin of the genesis txid; the view of block 0', () => {
  const spec = makeSpec();
  const d = genesisDelta(spec);
  const tx = buildGenesisBlock(spec).txs[0]!;
  assert.equal(d.height, 0);
  assert.deepEqual(d.txids, [txidOf(tx)]);
  assert.equal(d.created.length, spec.allocations.length);
  d.created.forEach((e, i) => {
    assert.deepEqual(e.outpoint, { txid: txidOf(tx), vout: i });
    assert.equal(e.coin.value, spec.allocations[i]!.amount);
    assert.deepEqual([e.coin.height, e.coin.coinbase], [0, true]);
  });
  assert.deepEqual([d.spent, d.spentInBlock, d.fees], [[], [], 0n]);
  const v = new MemoryUtxoView(d.created);
  assert.equal(v.getCoin({ txid: txidOf(tx), vout: 0 })?.value, 1000n * COIN);
});

test('applyDelta / revertDelta refuse a delta computed against another state (STATE_DELTA_MISMATCH)', () => {
  const v = new MemoryUtxoView([{ outpoint: op(1), coin: coin(10n) }]);
  const delta = { height: 3, created: [{ outpoint: op(2), coin: coin(9n) }], spent: [{ outpoint: op(1), coin: coin(10n), spender: { txid: op(2).txid, vin: 0 } }] } as unknown as BlockDelta;
  applyDelta(v, delta);
  assert.equal(v.getCoin(op(2))?.value, 9n);
  assert.throws(() => applyDelta(v, delta), { code: 'STATE_DELTA_MISMATCH' });
  revertDelta(v, delta);
  assert.deepEqual([...v.snapshot().keys()], [outpointKey(op(1))]);
  assert.throws(() => revertDelta(v, delta), { code: 'STATE_DELTA_MISMATCH' });
});

test('txidOf: hashes once per object and freezes the transaction so a cached txid cannot go stale', () => {
  const spec = makeSpec();
  const tx = buildGenesisBlock(spec).txs[0]!.clone();
  const id = txidOf(tx);
  assert.equal(txidOf(tx), id, 'the same array: computed once');
  assert.deepEqual(id, new Uint8Array(tx.getHash()));
  assert.throws(() => tx.setInputScript(0, Buffer.from([1, 2])), TypeError);
  assert.throws(() => tx.addOutput(Buffer.from([0x51]), 1n), TypeError);
  assert.throws(() => {
    tx.locktime = 5;
  }, TypeError);
  const copy = tx.clone();
  copy.locktime = 5;
  assert.notDeepEqual(txidOf(copy), id);
});
