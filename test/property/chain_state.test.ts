import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Transaction } from 'bitcoinjs-lib';
import { applyDelta, revertDelta } from '../../src/chain/state/delta.ts';
import { outpointKey } from '../../src/chain/state/types.ts';
import type { BlockDelta, Coin } from '../../src/chain/state/types.ts';
import { txidOf } from '../../src/chain/state/txid.ts';
import { connectBlock } from '../../src/chain/validation/connect.ts';
import { TestChain } from '../unit/chain_validation_fixture.ts';

const runs = Number(process.env['CCHOST_FUZZ_RUNS'] ?? 200);
const OP_TRUE = Uint8Array.of(0x51);
const OP_RETURN = Uint8Array.of(0x6a, 1, 0x2a);

interface TxPlan {
  readonly picks: readonly number[];
  readonly nOut: number;
  readonly fee: number;
  readonly opReturn: boolean;
}

const planArb = fc.record({
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
  nOut: fc.integer({ min: 1, max: 3 }),
  fee: fc.nat({ max: 5000 }),
  opReturn: fc.boolean(),
});

/** Funds 4 anyone-can-spend coins and turns the plans into a chain of dependent transactions (creation order). */
function buildTxs(chain: TestChain, plans: readonly TxPlan[]): { txs: Transaction[]; deps: Set<number>[]; fees: bigint } {
  const avail: { txid: Uint8Array; vout: number; value: bigint; from: number }[] = [];
  for (let i = 0; i < 4; i++) {
    const outpoint = { txid: new Uint8Array(32).fill(0xa0 + i), vout: i };
    const coin: Coin = { value: 100_000n + BigInt(i), script: OP_TRUE, height: 0, coinbase: false };
    chain.view.addCoin(outpoint, coin);
    avail.push({ ...outpoint, value: coin.value, from: -1 });
  }
  const txs: Transaction[] = [];
  const deps: Set<number>[] = [];
  let fees = 0n;
  for (const p of plans) {
    if (avail.length === 0) break;
    const chosen = [...new Set(p.picks.map((k) => k % avail.length))].sort((a, b) => b - a).map((k) => avail.splice(k, 1)[0]!);
    const tx = new Transaction();
    const d = new Set<number>();
    let total = 0n;
    for (const c of chosen) {
      tx.addInput(Buffer.from(c.txid), c.vout);
      total += c.value;
      if (c.from >= 0) d.add(c.from);
    }
    const fee = BigInt(p.fee) > total ? total : BigInt(p.fee);
    const spendable = total - fee;
    for (let k = 0; k < p.nOut; k++) {
      const v = k === p.nOut - 1 ? spendable - (spendable / BigInt(p.nOut)) * BigInt(p.nOut - 1) : spendable / BigInt(p.nOut);
      tx.addOutput(Buffer.from(OP_TRUE), v);
    }
    if (p.opReturn) tx.addOutput(Buffer.from(OP_RETURN), 0n);
    const idx = txs.length;
    txs.push(tx);
    deps.push(d);
    fees += fee;
    for (let k = 0; k < p.nOut; k++) avail.push({ txid: txidOf(tx), vout: k, value: tx.outs[k]!.value, from: idx });
  }
  return { txs, deps, fees };
}

/** A topological order of the transactions chosen by `prio` (Kahn's algorithm, lowest priority first). */
function topoOrder(n: number, deps: readonly Set<number>[], prio: readonly number[]): number[] {
  const done = new Set<number>();
  const out: number[] = [];
  while (out.length < n) {
    let best = -1;
    for (let i = 0; i < n; i++) {
      if (done.has(i) || [...deps[i]!].some((d) => !done.has(d))) continue;
      if (best === -1 || (prio[i] ?? 0) < (prio[best] ?? 0)) best = i;
    }
    done.add(best);
    out.push(best);
  }
  return out;
}

const setOf = (d: BlockDelta) => ({
  created: new Set(d.created.map((e) => `${outpointKey(e.outpoint)}=${e.coin.value}`)),
  spent: new Set([...d.spent, ...d.spentInBlock].map((e) => outpointKey(e.outpoint))),
});

test('property: random dependent spend chains connect in any topological order, match a simple model, and undo restores the set', () => {
  fc.assert(
    fc.property(fc.array(planArb, { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { minLength: 10, maxLength: 10 }), fc.array(fc.nat(), { minLength: 10, maxLength: 10 }), (plans, prioA, prioB) => {
      const chain = new TestChain();
      const { txs, deps, fees } = buildTxs(chain, plans);
      const start = chain.view.snapshot();

      // The model: start − every spent outpoint + every spendable output not spent in the block.
      const model = new Map(start);
      for (const tx of txs) for (const i of tx.ins) model.delete(outpointKey({ txid: i.hash, vout: i.index }));
      const created = new Map<string, bigint>();
      for (const tx of txs) tx.outs.forEach((o, vout) => o.script[0] !== 0x6a && created.set(outpointKey({ txid: txidOf(tx), vout }), o.value));
      for (const tx of txs) for (const i of tx.ins) created.delete(outpointKey({ txid: i.hash, vout: i.index }));

      const deltas = [prioA, prioB].map((prio) => {
        const order = topoOrder(txs.length, deps, prio);
        const block = chain.assemble(order.map((i) => txs[i]!), { fees });
        const r = connectBlock(chain.view, block, chain.ctx());
        assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
        return r.value;
      });
      assert.deepEqual(setOf(deltas[0]!), setOf(deltas[1]!), 'the same changes in either order');

      const d = deltas[0]!;
      assert.equal(d.fees, fees);
      applyDelta(chain.view, d);
      const after = chain.view.snapshot();
      const cbKey = outpointKey({ txid: d.txids[0]!, vout: 0 });
      assert.ok(after.has(cbKey));
      after.delete(cbKey);
      for (const [k, v] of created) assert.equal(after.get(k)?.value, v, `created ${k}`);
      assert.deepEqual(new Set(after.keys()), new Set([...model.keys(), ...created.keys()]));
      revertDelta(chain.view, d);
      assert.deepEqual(chain.view.snapshot(), start, 'undo restores the exact set');

      // A dependent transaction placed before its parent is refused.
      const dependent = deps.findIndex((s) => s.size > 0);
      if (dependent >= 0) {
        const parent = [...deps[dependent]!][0]!;
        const bad = [dependent, ...txs.map((_, i) => i).filter((i) => i !== dependent)];
        if (bad.indexOf(parent) > 0) {
          const r = connectBlock(chain.view, chain.assemble(bad.map((i) => txs[i]!), { fees }), chain.ctx());
          assert.ok(!r.ok && r.error.txError?.code === 'TX_MISSING_INPUTS');
        }
      }
    }),
    { numRuns: runs },
  );
});
