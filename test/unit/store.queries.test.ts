import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeHeader } from '../../src/chain/block/header.ts';
import { hash160 } from '../../src/crypto/hash.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/index.ts';
import { unwrap } from '../../src/util/errors.ts';
import { CHAIN_ID, TestChain, ccCondition, ccScript, ccSubScript, h20, h32, opReturn, p2pkhScript, p2pkScript, p2shScript, pubkey, spendTx } from './store.fixture.ts';

const memStore = (): Store => unwrap(openStore(':memory:', { chainId: CHAIN_ID }));

// One hash used both as a P2PKH hash and as a CC address (the CC sub-script's HASH160).
const COND = ccCondition('shared');
const SHARED = hash160(ccSubScript(COND));
const PK = pubkey('p2pk owner');

/**
 * genesis: 0 = P2PKH(SHARED) 1000, 1 = CC(COND, eval e4) 2000, 2 = P2PK(PK) 3000, 3 = P2SH 4000, 4 = CC(COND, no tail) 500
 * block 1: t1 spends g0 → P2PKH(SHARED) 600, CC(COND, ec) 300, OP_RETURN; t2 spends t1:0 (same block) → P2PK(PK) 550
 * block 2: t3 spends g1 (CC) and g2 (P2PK) → P2PKH(SHARED) 4900
 */
function fixture(): { chain: TestChain; store: Store; t1: Uint8Array; t2: Uint8Array; t3: Uint8Array; g: Uint8Array } {
  const chain = new TestChain();
  chain.add([], {
    allocations: [
      { script: p2pkhScript(SHARED), value: 1000n },
      { script: ccScript(COND, 0xe4), value: 2000n },
      { script: p2pkScript(PK), value: 3000n },
      { script: p2shScript(h20('redeem')), value: 4000n },
      { script: ccScript(COND), value: 500n },
    ],
  });
  const g = chain.deltas[0]!.txids[0]!;
  const t1 = spendTx([{ txid: g, vout: 0 }], [
    { script: p2pkhScript(SHARED), value: 600n },
    { script: ccScript(COND, 0xec), value: 300n },
    { script: opReturn(Uint8Array.of(1)), value: 0n },
  ]);
  const t2 = spendTx([{ txid: t1.getHash(), vout: 0 }], [{ script: p2pkScript(PK), value: 550n }]);
  chain.add([t1, t2]);
  const t3 = spendTx([{ txid: g, vout: 1 }, { txid: g, vout: 2 }], [{ script: p2pkhScript(SHARED), value: 4900n }]);
  chain.add([t3]);
  const store = memStore();
  for (const d of chain.deltas) unwrap(store.connectBlock(d));
  return { chain, store, t1: t1.getHash(), t2: t2.getHash(), t3: t3.getHash(), g };
}

test('getTx returns the exact transaction bytes with height, block id and position; getBlock/getHeader the log', () => {
  const { chain, store, t2 } = fixture();
  const tx = store.getTx(t2)!;
  assert.deepEqual(tx.bytes, new Uint8Array(chain.deltas[1]!.block.txs[2]!.toBuffer()));
  assert.equal(tx.height, 1);
  assert.equal(tx.pos, 2);
  assert.deepEqual(tx.blockId, chain.deltas[1]!.id);
  const cb = store.getTx(chain.deltas[2]!.txids[0]!)!;
  assert.deepEqual(cb.bytes, new Uint8Array(chain.deltas[2]!.block.txs[0]!.toBuffer()));
  assert.equal(store.getTx(h32('unknown')), undefined);
  for (const d of chain.deltas) {
    assert.deepEqual(store.getBlockByHeight(d.height), { height: d.height, id: d.id, bytes: d.blockBytes });
    assert.deepEqual(store.getBlockById(d.id), { height: d.height, id: d.id, bytes: d.blockBytes });
    assert.deepEqual(store.getHeader(d.height)!.bytes, encodeHeader(d.block.header));
    assert.deepEqual(store.getHeader(d.id)!.height, d.height);
  }
  assert.equal(store.getBlockByHeight(3), undefined);
  assert.deepEqual(store.tip(), { height: 2, id: chain.deltas[2]!.id });
});

test('address index: CC and P2PKH outputs with the same hash are separate kinds', () => {
  const { store, t1, t3, g } = fixture();
  const asP2pkh = store.getAddressUtxos({ kind: 'pubkeyhash', hash: SHARED });
  assert.deepEqual(
    asP2pkh.map((u) => [u.outpoint.txid, u.outpoint.vout, u.coin.value]),
    [[t3, 0, 4900n]],
    'g:0 and t1:0 are spent; only t3:0 is left',
  );
  const asCc = store.getAddressUtxos({ kind: 'cc', hash: SHARED });
  assert.deepEqual(
    asCc.map((u) => [u.outpoint.txid, u.outpoint.vout, u.coin.value]),
    [
      [g, 4, 500n],
      [t1, 1, 300n],
    ],
  );
  assert.deepEqual(store.getAddressBalance({ kind: 'pubkeyhash', hash: SHARED }), { balance: 4900n, received: 6500n });
  assert.deepEqual(store.getAddressBalance({ kind: 'cc', hash: SHARED }), { balance: 800n, received: 2800n });
  assert.deepEqual(store.getAddressBalance({ kind: 'scripthash', hash: SHARED }), { balance: 0n, received: 0n });
});

test('address index: P2PK outputs are found under the pubkeyhash of the key; P2SH under scripthash', () => {
  const { store, t2 } = fixture();
  const key = { kind: 'pubkeyhash' as const, hash: hash160(PK) };
  assert.deepEqual(store.getAddressUtxos(key).map((u) => [u.outpoint.txid, u.outpoint.vout, u.coin.value, u.coin.height]), [[t2, 0, 550n, 1]]);
  assert.deepEqual(store.getAddressBalance(key), { balance: 550n, received: 3550n });
  assert.equal(store.getAddressUtxos({ kind: 'scripthash', hash: h20('redeem') }).length, 1);
});

test('address history: txids and deltas in chain order, once per transaction, within height ranges', () => {
  const { store, t1, t2, t3, g } = fixture();
  const key = { kind: 'pubkeyhash' as const, hash: SHARED };
  assert.deepEqual(store.getAddressTxids(key), [g, t1, t2, t3], 'g pays, t1 spends and pays, t2 spends, t3 pays');
  assert.deepEqual(store.getAddressTxids(key, { start: 1, end: 1 }), [t1, t2]);
  assert.deepEqual(store.getAddressTxids(key, { start: 2 }), [t3]);
  assert.deepEqual(store.getAddressTxids(key, { end: 0 }), [g]);
  assert.deepEqual(store.getAddressTxids(key, { start: 5 }), []);
  assert.deepEqual(store.getAddressTxids(key, { start: 2, end: 1 }), []);
  const deltas = store.getAddressDeltas(key, { start: 1, end: 1 });
  assert.deepEqual(
    deltas.map((d) => [d.txid, d.height, d.pos, d.index, d.satoshis, d.spending]),
    [
      [t1, 1, 1, 0, 600n, false],
      [t1, 1, 1, 0, -1000n, true],
      [t2, 1, 2, 0, -600n, true],
    ],
    'komodod order: height, position, index, receive before spend',
  );
  const total = store.getAddressDeltas(key).reduce((a, d) => a + d.satoshis, 0n);
  assert.equal(total, store.getAddressBalance(key).balance, 'the deltas sum to the balance');
  const pkKey = { kind: 'pubkeyhash' as const, hash: hash160(PK) };
  assert.deepEqual(store.getAddressTxids(pkKey), [g, t2, t3]);
});

test('spent index: who spent an output, including spends inside the creating block', () => {
  const { store, t1, t2, t3, g } = fixture();
  assert.deepEqual(store.getSpentInfo({ txid: g, vout: 0 }), { txid: t1, vin: 0, height: 1 });
  assert.deepEqual(store.getSpentInfo({ txid: t1, vout: 0 }), { txid: t2, vin: 0, height: 1 }, 'spent in its own block');
  assert.deepEqual(store.getSpentInfo({ txid: g, vout: 2 }), { txid: t3, vin: 1, height: 2 });
  assert.equal(store.getSpentInfo({ txid: t3, vout: 0 }), undefined, 'unspent');
  assert.equal(store.getSpentInfo({ txid: t1, vout: 2 }), undefined, 'OP_RETURN is never a coin');
  assert.equal(store.getCoin({ txid: t1, vout: 2 }), undefined);
  unwrap(store.disconnectTip());
  assert.equal(store.getSpentInfo({ txid: g, vout: 2 }), undefined, 'the spend is gone with its block');
  assert.deepEqual(store.getCoin({ txid: g, vout: 2 }), { value: 3000n, script: p2pkScript(PK), height: 0, coinbase: true });
});

test('eval-code index: unspent CC outputs by tail eval code, with paging', () => {
  const { store, chain, t1, g } = fixture();
  assert.deepEqual(store.getUtxosByEvalCode(0xe4), [], 'g:1 (e4) was spent by t3');
  assert.deepEqual(store.getUtxosByEvalCode(0xec).map((u) => [u.outpoint.txid, u.outpoint.vout]), [[t1, 1]]);
  assert.deepEqual(store.getUtxosByEvalCode(0x00), [], 'g:4 has no tail');
  unwrap(store.disconnectTip());
  chain.pop();
  assert.deepEqual(store.getUtxosByEvalCode(0xe4).map((u) => [u.outpoint.txid, u.outpoint.vout, u.coin.value]), [[g, 1, 2000n]]);
  // Paging over several outputs of one code.
  const c = new TestChain();
  c.add([], { allocations: Array.from({ length: 5 }, (_, i) => ({ script: ccScript(ccCondition(`p${i}`), 0x11), value: BigInt(100 + i) })) });
  const s = memStore();
  unwrap(s.connectBlock(c.deltas[0]!));
  const page1 = s.getUtxosByEvalCode(0x11, { limit: 2 });
  const page2 = s.getUtxosByEvalCode(0x11, { limit: 2, after: page1[1]!.outpoint });
  const page3 = s.getUtxosByEvalCode(0x11, { limit: 2, after: page2[1]!.outpoint });
  assert.deepEqual([...page1, ...page2, ...page3].map((u) => u.coin.value), [100n, 101n, 102n, 103n, 104n]);
  assert.deepEqual(s.getAddressUtxos({ kind: 'cc', hash: hash160(ccSubScript(ccCondition('p3'))) }, { limit: 1 }).map((u) => u.coin.value), [103n]);
});

test('queries validate their arguments', () => {
  const { store } = fixture();
  assert.throws(() => store.getAddressUtxos({ kind: 'p2wpkh' as 'cc', hash: SHARED }), { code: 'STORE_BAD_ARGUMENT' });
  assert.throws(() => store.getAddressBalance({ kind: 'cc', hash: new Uint8Array(19) }), { code: 'STORE_BAD_ARGUMENT' });
  assert.throws(() => store.getUtxosByEvalCode(256), { code: 'STORE_BAD_ARGUMENT' });
  assert.throws(() => store.getAddressTxids({ kind: 'cc', hash: SHARED }, { start: -1 }), { code: 'STORE_BAD_ARGUMENT' });
  store.close();
  assert.throws(() => store.getCoin({ txid: h32('x'), vout: 0 }), { code: 'STORE_CLOSED' });
  assert.equal((store.connectBlock(undefined as never) as { error: { code: string } }).error.code, 'STORE_CLOSED');
});
