import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mempool } from '../../src/chain/mempool/mempool.ts';
import { MEMPOOL_HEIGHT } from '../../src/chain/mempool/view.ts';
import { txidOf } from '../../src/chain/state/txid.ts';
import { connectBlock } from '../../src/chain/validation/connect.ts';
import { ALL_CORE_FLAGS, SCRIPT_VERIFY_CRYPTOCONDITIONS } from '../../src/script/flags.ts';
import { BLOCK_SCRIPT_FLAGS, ccContextKey, scriptFlagsFor } from '../../src/chain/validation/flags.ts';
import { ScriptCache } from '../../src/chain/validation/scriptCache.ts';
import { CC_SCRIPTSIG, COIN, ScriptedCcHost, TestChain, ccScript, makeSpec, outOf, p2pkh, spend } from './chain_validation_fixture.ts';

const ALL = ALL_CORE_FLAGS | SCRIPT_VERIFY_CRYPTOCONDITIONS;

test('script cache: an entry covering the block flags under the same CC context skips script verification (a planted entry for a badly signed tx proves it)', () => {
  const cache = new ScriptCache();
  const chain = new TestChain(makeSpec(), { scriptCache: cache });
  // Signed by the wrong key: invalid, unless its scripts are taken from the cache.
  const bad = spend([chain.genesisInput(0, 'bob')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  const block = chain.assemble([bad], { fees: COIN });
  const key = ccContextKey(chain.spec, 1);

  cache.add(txidOf(bad), BLOCK_SCRIPT_FLAGS, key, []); // flags missing the CC bit the block needs
  let r = connectBlock(chain.view, block, chain.ctx());
  assert.ok(!r.ok && r.error.txError?.code === 'TX_SCRIPT_FAILED', 'flags not covering: verified, rejected');

  cache.add(txidOf(bad), ALL, key + 1, []); // another module set
  r = connectBlock(chain.view, block, chain.ctx());
  assert.ok(!r.ok && r.error.txError?.code === 'TX_SCRIPT_FAILED', 'other CC context: verified, rejected');

  cache.add(txidOf(bad), ALL, key, []);
  r = connectBlock(chain.view, block, chain.ctx());
  assert.ok(r.ok, 'covered: scripts skipped');
  assert.ok((scriptFlagsFor(chain.spec, 1, 'block') & ALL) === scriptFlagsFor(chain.spec, 1, 'block'));
});

test('script cache: blocks never add entries, only mempool acceptance does, and only for passing transactions', () => {
  const cache = new ScriptCache();
  const chain = new TestChain(makeSpec(), { scriptCache: cache });
  const tx = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  chain.mine([tx]);
  assert.equal(cache.stats().size, 0);
  const pool = new Mempool({ spec: chain.spec, scriptCache: cache });
  const wrong = spend([chain.genesisInput(1, 'bob')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  assert.ok(!pool.accept(wrong, chain.mempoolCtx()).ok);
  assert.equal(cache.stats().size, 0);
  const good = spend([chain.genesisInput(1, 'alice')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  assert.ok(pool.accept(good, chain.mempoolCtx()).ok);
  assert.equal(cache.stats().size, 1);
  const e = cache.lookup(txidOf(good), scriptFlagsFor(chain.spec, 2, 'block'), ccContextKey(chain.spec, 2));
  assert.ok(e !== undefined);
  assert.equal(e.flags, scriptFlagsFor(chain.spec, 2, 'mempool'));
});

test('script cache: CC module validation re-runs in block mode on a hit; CC inputs are re-recorded via reuseInput, or re-verified without it', () => {
  for (const supportReuse of [true, false]) {
    const host = new ScriptedCcHost();
    host.supportReuse = supportReuse;
    const cache = new ScriptCache();
    const chain = new TestChain(makeSpec(), { ccHost: host, scriptCache: cache });
    const pool = new Mempool({ spec: chain.spec, ccHost: host, scriptCache: cache });
    const fund = spend([chain.genesisInput(0, 'alice')], [{ script: ccScript(1), value: 10n * COIN }, { script: p2pkh('alice'), value: 989n * COIN }]);
    const use = spend([{ ...outOf(fund, 0, undefined, MEMPOOL_HEIGHT), scriptSig: CC_SCRIPTSIG }, outOf(fund, 1, 'alice', MEMPOOL_HEIGHT)], [{ script: p2pkh('bob'), value: 998n * COIN }]);
    assert.ok(pool.accept(fund, chain.mempoolCtx()).ok);
    assert.ok(pool.accept(use, chain.mempoolCtx()).ok);
    host.calls.length = 0;
    const d = chain.connect(chain.assemble([fund, use], { fees: COIN }));
    assert.ok(d.ok, d.ok ? '' : d.error.message);
    const useCall = host.calls.find((c) => c.txid.every((b, i) => b === txidOf(use)[i]))!;
    assert.equal(useCall.mode, 'block');
    assert.equal(useCall.finished, true, 'module dispatch ran in block mode');
    if (supportReuse) {
      assert.deepEqual([useCall.reused, useCall.hooked], [[0], []]);
    } else {
      assert.deepEqual([useCall.reused, useCall.hooked], [[], [0]]);
    }
  }
});

test('script cache: bounded LRU (a lookup refreshes an entry; the least recently used goes first)', () => {
  const cache = new ScriptCache(2);
  const id = (n: number) => new Uint8Array(32).fill(n);
  cache.add(id(1), ALL, 0, []);
  cache.add(id(2), ALL, 0, []);
  assert.ok(cache.lookup(id(1), 1, 0));
  cache.add(id(3), ALL, 0, []);
  assert.equal(cache.stats().size, 2);
  assert.equal(cache.lookup(id(2), 1, 0), undefined, 'evicted');
  assert.ok(cache.lookup(id(1), 1, 0));
  assert.ok(cache.lookup(id(3), 1, 0));
  cache.delete(id(3));
  assert.equal(cache.lookup(id(3), 1, 0), undefined);
  assert.deepEqual(cache.stats(), { size: 1, maxEntries: 2, hits: 3, misses: 2 });
  const off = new ScriptCache(0);
  off.add(id(1), ALL, 0, []);
  assert.equal(off.stats().size, 0);
});
