import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BlockDelta } from '../../src/chain/state/types.ts';
import { openStore } from '../../src/store/index.ts';
import type { BlockHooks, Store } from '../../src/store/index.ts';
import { unwrap } from '../../src/util/errors.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { CHAIN_ID, TestChain, ccCondition, ccScript, h20, h32, opReturn, p2pkhScript, p2pkScript, pubkey, spendTx } from './store.fixture.ts';

function memStore(): Store {
  return unwrap(openStore(':memory:', { chainId: CHAIN_ID }));
}

/** A chain of `n` blocks after genesis: each spends coins of earlier blocks and of its own block. */
function buildChain(n: number): TestChain {
  const c = new TestChain();
  c.add([], {
    allocations: [
      { script: p2pkhScript(h20('a')), value: 500_000n },
      { script: p2pkScript(pubkey('b')), value: 300_000n },
      { script: ccScript(ccCondition('g'), 0xe4), value: 200_000n },
    ],
  });
  for (let h = 1; h <= n; h++) {
    const prev = c.deltas[h - 1]!;
    const coins = prev.created.filter((e) => (e.coin.height === 0 || !e.coin.coinbase) && e.coin.value >= 1000n);
    const txs = [];
    let i = 0;
    for (const e of coins) {
      const t1 = spendTx([e.outpoint], [
        { script: p2pkhScript(h20(`a${h}.${i}`)), value: e.coin.value / 2n },
        { script: ccScript(ccCondition(`c${h}`), 0xec), value: e.coin.value / 4n },
        { script: opReturn(utf8(`memo ${h}`)), value: 0n },
      ]);
      // Spends its parent inside the same block.
      const t2 = spendTx([{ txid: t1.getHash(), vout: 0 }], [{ script: p2pkScript(pubkey(`k${h}.${i}`)), value: e.coin.value / 2n - 100n }]);
      txs.push(t1, t2);
      i++;
    }
    c.add(txs);
  }
  return c;
}

function connectAll(s: Store, deltas: readonly BlockDelta[], hooks?: BlockHooks): void {
  for (const d of deltas) unwrap(s.connectBlock(d, hooks));
}

test('connect N blocks then disconnect them all: every table equals the original byte for byte', () => {
  const chain = buildChain(6);
  assert.ok(chain.deltas[6]!.spent.length > 0 && chain.deltas[6]!.spentInBlock.length > 0, 'the chain exercises both kinds of spend');
  const s = memStore();
  const empty = s.dump();
  const dumps = [];
  for (const d of chain.deltas) {
    unwrap(s.connectBlock(d));
    dumps.push(s.dump());
  }
  assert.equal(s.height(), 6);
  assert.ok(s.verifyConsistency().ok, JSON.stringify(s.verifyConsistency().problems));
  for (let h = 6; h >= 0; h--) {
    assert.deepEqual(s.dump(), dumps[h], `state at height ${h}`);
    const r = unwrap(s.disconnectTip());
    assert.equal(r.height, h);
  }
  assert.deepEqual(s.dump(), empty);
  assert.equal(s.height(), -1);
  assert.equal(s.tip(), undefined);
  s.close();
});

test('the order of delta entries does not matter: reversed lists give the same tables', () => {
  const chain = buildChain(3);
  const a = memStore();
  const b = memStore();
  connectAll(a, chain.deltas);
  for (const d of chain.deltas) {
    unwrap(b.connectBlock({ ...d, created: [...d.created].reverse(), spent: [...d.spent].reverse(), spentInBlock: [...d.spentInBlock].reverse() }));
  }
  const strip = (dump: ReturnType<Store['dump']>) => ({ ...dump, undo: [] });
  assert.deepEqual(strip(b.dump()), strip(a.dump()), 'only the undo records list the spends in delta order');
  for (let i = 0; i < 4; i++) unwrap(b.disconnectTip());
  assert.deepEqual(b.dump().txout, []);
});

test('connectBlocks in one transaction gives the same tables as one connect per block', () => {
  const chain = buildChain(4);
  const a = memStore();
  const b = memStore();
  connectAll(a, chain.deltas);
  const infos = unwrap(b.connectBlocks(chain.deltas));
  assert.deepEqual(infos.map((i) => i.height), [0, 1, 2, 3, 4]);
  assert.deepEqual(b.dump(), a.dump());
  assert.deepEqual(b.tip(), a.tip());
});

test('a hook that throws in the middle of connect leaves the store unchanged', () => {
  const chain = buildChain(3);
  const s = memStore();
  connectAll(s, chain.deltas.slice(0, 3));
  const before = s.dump();
  let calls = 0;
  const r = s.connectBlock(chain.deltas[3]!, {
    connect(ctx) {
      calls++;
      ctx.moduleIndex('faucet').put(Uint8Array.of(1), Uint8Array.of(2));
      throw new Error('module bug');
    },
  });
  assert.equal(calls, 1);
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.error.code, 'STORE_HOOK_FAILED');
  assert.match(!r.ok ? r.error.message : '', /module bug/);
  assert.deepEqual(s.dump(), before, 'nothing of the block, nor the module write, was kept');
  assert.equal(s.height(), 2);
  assert.equal(s.moduleIndex('faucet').get(Uint8Array.of(1)), undefined);
  // The same block connects once the hook behaves.
  unwrap(s.connectBlock(chain.deltas[3]!));
  assert.equal(s.height(), 3);
});

test('a failing block inside connectBlocks rolls back the whole batch', () => {
  const chain = buildChain(3);
  const s = memStore();
  unwrap(s.connectBlock(chain.deltas[0]!));
  const before = s.dump();
  const broken = { ...chain.deltas[3]!, height: 3 };
  const r = s.connectBlocks([chain.deltas[1]!, chain.deltas[2]!, { ...broken, spent: broken.spent.slice(1) }]);
  assert.equal(!r.ok && r.error.code, 'STORE_BAD_DELTA');
  assert.deepEqual(s.dump(), before);
  assert.equal(s.height(), 0);
});

test('deltas that contradict the block or the UTXO set are refused and change nothing', () => {
  const chain = buildChain(2);
  const s = memStore();
  connectAll(s, chain.deltas.slice(0, 2));
  const before = s.dump();
  const d2 = chain.deltas[2]!;
  const expectFail = (delta: typeof d2, code: string, why: string): void => {
    const r = s.connectBlock(delta);
    assert.equal(r.ok, false, why);
    assert.equal(!r.ok && r.error.code, code, why);
    assert.deepEqual(s.dump(), before, why);
  };
  expectFail(chain.deltas[1]!, 'STORE_BAD_HEIGHT', 'a block that is already connected');
  expectFail({ ...d2, height: 4 }, 'STORE_BAD_HEIGHT', 'a gap');
  expectFail({ ...d2, block: { ...d2.block, header: { ...d2.block.header, parent: new Uint8Array(32) } } }, 'STORE_BAD_PARENT', 'another parent');
  expectFail({ ...d2, spent: d2.spent.slice(1) }, 'STORE_BAD_DELTA', 'a missing spend');
  const s0 = d2.spent[0]!;
  expectFail({ ...d2, spent: [{ ...s0, spender: { ...s0.spender, vin: 7 } }, ...d2.spent.slice(1)] }, 'STORE_BAD_DELTA', 'a wrong spender');
  const c0 = d2.created[0]!;
  expectFail({ ...d2, created: [{ ...c0, coin: { ...c0.coin, value: c0.coin.value + 1n } }, ...d2.created.slice(1)] }, 'STORE_BAD_DELTA', 'a coin of another value');
  expectFail({ ...d2, created: [...d2.created, c0] }, 'STORE_BAD_DELTA', 'a coin created twice');
  expectFail({ ...d2, txids: [d2.txids[1]!, ...d2.txids.slice(1)] }, 'STORE_BAD_DELTA', 'two transactions with one txid');
  // A block that spends a coin already spent by block 1.
  const spentBy1 = chain.deltas[1]!.spent[0]!;
  const tx = spendTx([spentBy1.outpoint], [{ script: p2pkhScript(h20('thief')), value: 1n }]);
  const fake = { ...d2, spent: [{ ...spentBy1, spender: { txid: tx.getHash(), vin: 0 } }] };
  const blockWithTx = { ...d2.block, txs: [d2.block.txs[0]!, tx] };
  expectFail({ ...fake, block: blockWithTx, txids: [d2.txids[0]!, tx.getHash()], created: [], spentInBlock: [] }, 'STORE_BAD_DELTA', 'a double spend');
  // The genuine block still connects.
  unwrap(s.connectBlock(d2));
});

test('a transaction already in the chain cannot be connected again (duplicate txid)', () => {
  const c = new TestChain();
  c.add([]);
  const s = memStore();
  unwrap(s.connectBlock(c.deltas[0]!));
  // Same coinbase content at height 1 twice: the second block's coinbase txid is already known.
  const d1 = c.add([], { extraNonce: 1 });
  unwrap(s.connectBlock(d1));
  const before = s.dump();
  const dup = { ...d1, height: 2, id: h32('another block'), block: { ...d1.block, header: { ...d1.block.header, num: 2, parent: d1.id } } };
  const r = s.connectBlock(dup);
  assert.equal(!r.ok && r.error.code, 'STORE_BAD_DELTA');
  assert.match(!r.ok ? r.error.message : '', /already in the chain/);
  assert.deepEqual(s.dump(), before);
});

test('disconnect stops at the LIB; setLib only moves forward and never past the tip', () => {
  const chain = buildChain(3);
  const s = memStore();
  assert.equal(!s.disconnectTip().ok && (s.disconnectTip() as { error: { code: string } }).error.code, 'STORE_EMPTY');
  connectAll(s, chain.deltas);
  assert.equal(s.lib(), -1);
  unwrap(s.setLib(1));
  assert.equal(s.lib(), 1);
  const past = s.setLib(4);
  assert.equal(!past.ok && past.error.code, 'STORE_BAD_LIB');
  const back = s.setLib(0);
  assert.equal(!back.ok && back.error.code, 'STORE_BAD_LIB');
  unwrap(s.disconnectTip());
  unwrap(s.disconnectTip());
  const r = s.disconnectTip();
  assert.equal(!r.ok && r.error.code, 'STORE_BELOW_LIB');
  assert.equal(s.height(), 1);
});

test('the store is a UtxoView: getCoin agrees with the model after connects and disconnects', () => {
  const chain = buildChain(5);
  const s = memStore();
  connectAll(s, chain.deltas);
  const check = (): void => {
    for (const d of chain.deltas) {
      for (const c of d.created) {
        const model = chain.utxos.get(`${Buffer.from(c.outpoint.txid).toString('latin1')}:${c.outpoint.vout}`);
        assert.deepEqual(s.getCoin(c.outpoint), model);
      }
      for (const sp of [...d.spent, ...d.spentInBlock]) assert.equal(s.getCoin(sp.outpoint), chain.utxos.get(`${Buffer.from(sp.outpoint.txid).toString('latin1')}:${sp.outpoint.vout}`));
    }
  };
  check();
  unwrap(s.disconnectTip());
  unwrap(s.disconnectTip());
  chain.pop();
  chain.pop();
  check();
  const report = s.verifyConsistency();
  assert.ok(report.ok, report.problems.join('\n'));
  assert.equal(report.unspent, chain.utxos.size);
});
