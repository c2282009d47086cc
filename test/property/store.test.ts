import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Transaction } from 'bitcoinjs-lib';
import type { OutPoint } from '../../src/chain/state/types.ts';
import { openStore } from '../../src/store/index.ts';
import type { BlockHooks, StoreDump, UtxoMap } from '../../src/store/index.ts';
import { unwrap } from '../../src/util/errors.ts';
import { toHex, utf8 } from '../../src/util/bytes.ts';
import {
  CHAIN_ID,
  TestChain,
  ccCondition,
  ccScript,
  h20,
  opReturn,
  p2pkhScript,
  p2pkScript,
  p2shScript,
  prng,
  pubkey,
  spendTx,
} from '../unit/store.fixture.ts';

const RUNS = Number(process.env['CCHOST_FUZZ_RUNS'] ?? 25);

/** Scripts from a small pool, so addresses repeat and collide across kinds. */
function randomScript(rnd: () => number): Uint8Array {
  const i = Math.floor(rnd() * 4);
  switch (Math.floor(rnd() * 6)) {
    case 0:
      return p2pkhScript(h20(`pool ${i}`));
    case 1:
      return p2pkScript(pubkey(`pool ${i}`));
    case 2:
      return p2shScript(h20(`pool ${i}`));
    case 3:
      return ccScript(ccCondition(`pool ${i}`), [0xe4, 0xec, 0x11][i % 3]);
    case 4:
      return ccScript(ccCondition(`pool ${i}`));
    default:
      return opReturn(utf8(`memo ${i}`));
  }
}

/** Up to four transactions spending model coins (and outputs created earlier in the same block). */
function randomTxs(utxos: UtxoMap, rnd: () => number): Transaction[] {
  const avail: { op: OutPoint; value: bigint }[] = [];
  for (const [k, coin] of utxos) avail.push({ op: { txid: Buffer.from(k.slice(0, 32), 'latin1'), vout: Number(k.slice(33)) }, value: coin.value });
  const txs: Transaction[] = [];
  const n = Math.floor(rnd() * 5);
  for (let t = 0; t < n && avail.length > 0; t++) {
    const ins: { op: OutPoint; value: bigint }[] = [];
    const k = 1 + Math.floor(rnd() * 2);
    for (let i = 0; i < k && avail.length > 0; i++) ins.push(avail.splice(Math.floor(rnd() * avail.length), 1)[0]!);
    let total = ins.reduce((a, x) => a + x.value, 0n);
    const outs: { script: Uint8Array; value: bigint }[] = [];
    const m = 1 + Math.floor(rnd() * 3);
    for (let o = 0; o < m; o++) {
      const v = o === m - 1 ? total : total / 2n;
      total -= v;
      outs.push({ script: randomScript(rnd), value: v });
    }
    const tx = spendTx(
      ins.map((x) => x.op),
      outs,
      Math.floor(rnd() * 1000),
    );
    txs.push(tx);
    outs.forEach((o, vout) => {
      if (o.script[0] !== 0x6a) avail.push({ op: { txid: tx.getHash(), vout }, value: o.value });
    });
  }
  return txs;
}

/** A module that indexes every transaction and forgets the outputs it spends. */
const hooks: BlockHooks = {
  connect(ctx) {
    const m = ctx.moduleIndex('prop');
    for (const txid of ctx.delta.txids) m.put(utf8(`tx/${toHex(txid)}`), Uint8Array.of(ctx.delta.height & 0xff));
    for (const s of ctx.delta.spent) m.delete(utf8(`tx/${toHex(s.outpoint.txid)}`));
    const n = m.get(utf8('count'));
    m.put(utf8('count'), Uint8Array.of(((n?.[0] ?? 0) + 1) & 0xff));
  },
  // Deliberately incomplete: the store's journal must restore the tables anyway.
  disconnect(ctx) {
    ctx.moduleIndex('prop').delete(utf8('count'));
  },
};

test('store property: after any sequence of connects, batches, failed connects and disconnects, the store equals the model and its state depends only on the chain', () => {
  fc.assert(
    fc.property(fc.integer(), fc.array(fc.constantFrom('connect', 'connect', 'batch', 'fail', 'disconnect', 'disconnect'), { minLength: 1, maxLength: 14 }), (seed, ops) => {
      const rnd = prng(seed);
      const chain = new TestChain();
      chain.add([], {
        allocations: Array.from({ length: 6 }, (_, i) => ({ script: randomScript(rnd), value: BigInt(10_000 * (i + 1)) })).filter((a) => a.script[0] !== 0x6a),
      });
      const store = unwrap(openStore(':memory:', { chainId: CHAIN_ID }));
      unwrap(store.connectBlock(chain.deltas[0]!, hooks));
      const seen = new Map<string, StoreDump>();
      const newBlock = () => chain.add(randomTxs(chain.utxos, rnd), { extraNonce: Math.floor(rnd() * 256) });
      for (const op of ops) {
        if (op === 'connect') {
          unwrap(store.connectBlock(newBlock(), hooks));
        } else if (op === 'batch') {
          const ds = [newBlock(), newBlock()];
          unwrap(store.connectBlocks(ds, hooks));
        } else if (op === 'fail') {
          const before = store.dump();
          const d = newBlock();
          const r = store.connectBlock(d, {
            connect(ctx) {
              hooks.connect!(ctx);
              throw new Error('boom');
            },
          });
          assert.equal(!r.ok && r.error.code, 'STORE_HOOK_FAILED');
          assert.deepEqual(store.dump(), before);
          chain.pop();
        } else if (chain.nextHeight > 1) {
          const r = unwrap(store.disconnectTip(hooks));
          assert.equal(r.height, chain.pop().height);
        }
        assert.equal(store.height(), chain.nextHeight - 1);
        const tip = toHex(store.tip()!.id);
        const dump = store.dump();
        const earlier = seen.get(tip);
        if (earlier !== undefined) assert.deepEqual(dump, earlier, 'the same chain gives the same tables, whatever the history');
        else seen.set(tip, dump);
        for (const [k, coin] of chain.utxos) {
          assert.deepEqual(store.getCoin({ txid: Buffer.from(k.slice(0, 32), 'latin1'), vout: Number(k.slice(33)) }), coin);
        }
      }
      const report = store.verifyConsistency();
      assert.ok(report.ok, report.problems.join('\n'));
      assert.equal(report.unspent, chain.utxos.size);
      // A fresh store fed the final chain directly holds the same tables.
      const fresh = unwrap(openStore(':memory:', { chainId: CHAIN_ID }));
      unwrap(fresh.connectBlocks(chain.deltas, hooks));
      assert.deepEqual(fresh.dump(), store.dump());
      fresh.close();
      store.close();
    }),
    { numRuns: RUNS },
  );
});
