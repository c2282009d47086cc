import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BlockDelta } from '../../src/chain/state/types.ts';
import { openStore } from '../../src/store/index.ts';
import type { BlockHooks, Store } from '../../src/store/index.ts';
import { unwrap } from '../../src/util/errors.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { CHAIN_ID, TestChain, ccCondition, ccScript, h20, opReturn, p2pkhScript, p2pkScript, pubkey, spendTx } from './store.fixture.ts';

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
    const coins = prev.created.filter((e) => !e.coin.coinbase && e.coin.value >= 1000n);
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
