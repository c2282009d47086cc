import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/index.ts';
import { chainIdBytes } from '../../src/chain/spec/canonical.ts';
import type { Coin } from '../../src/chain/state/types.ts';
import { unwrap } from '../../src/util/errors.ts';
import { COIN, TestChain, outOf, p2pkh, spend } from './chain_validation_fixture.ts';

/** A coin with its script as a plain Uint8Array (bitcoinjs may hand out Buffers). */
const plain = (c: Coin): Coin => ({ ...c, script: new Uint8Array(c.script) });

test('deltas computed by the chain rules (validated, signed blocks) connect and disconnect exactly, and the replay check agrees', () => {
  const chain = new TestChain();
  const store = unwrap(openStore(':memory:', { chainId: chainIdBytes(chain.spec), chainName: chain.spec.name }));
  unwrap(store.connectBlock(chain.genesis));
  const dumps = [store.dump()];

  // Block 1: a chain of dependent transactions (t2 spends t1 in the same block) and an OP_RETURN output.
  const t1 = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 500n * COIN }, { script: Uint8Array.of(0x6a, 1, 7), value: 0n }]);
  const t2 = spend([outOf(t1, 0, 'bob'), chain.genesisInput(5, 'carol')], [{ script: p2pkh('alice'), value: 505n * COIN }]);
  const d1 = chain.mine([t1, t2]);
  assert.equal(d1.spentInBlock.length, 1);
  unwrap(store.connectBlock(d1));
  dumps.push(store.dump());
  // Block 2 spends genesis and block 1 outputs.
  const t3 = spend([chain.genesisInput(1, 'alice'), outOf(t2, 0, 'alice')], [{ script: p2pkh('carol'), value: 1500n * COIN }]);
  const d2 = chain.mine([t3]);
  unwrap(store.connectBlock(d2));
  const d3 = chain.mine([]);
  unwrap(store.connectBlock(d3));

  const report = store.verifyConsistency();
  assert.ok(report.ok, report.problems.join('\n'));
  // The store's UTXO set is the chain's in-memory one, coin for coin.
  const coins = [...chain.view.entries()];
  assert.equal(report.unspent, coins.length);
  for (const e of coins) assert.deepEqual(store.getCoin(e.outpoint), plain(e.coin));

  unwrap(store.disconnectTip());
  chain.disconnect();
  unwrap(store.disconnectTip());
  chain.disconnect();
  assert.deepEqual(store.dump(), dumps[1]);
  for (const e of chain.view.entries()) assert.deepEqual(store.getCoin(e.outpoint), plain(e.coin));
  unwrap(store.disconnectTip());
  assert.deepEqual(store.dump(), dumps[0]);
  store.close();
});
