import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Transaction } from 'bitcoinjs-lib';
import { Mempool } from '../../src/chain/mempool/mempool.ts';
import type { MempoolOptions } from '../../src/chain/mempool/mempool.ts';
import { MEMPOOL_HEIGHT } from '../../src/chain/mempool/view.ts';
import { classifyOutput, dustThreshold, feeForSize } from '../../src/chain/mempool/policy.ts';
import { legacyTxSize } from '../../src/chain/checkTransaction.ts';
import { slotStartMs } from '../../src/chain/params.ts';
import { displayTxid } from '../../src/chain/state/key.ts';
import { txidOf } from '../../src/chain/state/txid.ts';
import { ScriptCache } from '../../src/chain/validation/scriptCache.ts';
import { CC_SCRIPTSIG, COIN, ScriptedCcHost, TestChain, ccScript, makeSpec, outOf, p2pkh, spend } from './chain_validation_fixture.ts';

const OP_TRUE = Uint8Array.of(0x51);

function setup(opts: Partial<MempoolOptions> = {}, chain = new TestChain()) {
  const pool = new Mempool({ spec: chain.spec, ...opts });
  return { chain, pool, ctx: (now = 0) => chain.mempoolCtx(now) };
}

function accepted(pool: Mempool, tx: Transaction, ctx: ReturnType<TestChain['mempoolCtx']>) {
  const r = pool.accept(tx, ctx);
  assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
  return r.value;
}

function rejected(pool: Mempool, tx: Transaction, ctx: ReturnType<TestChain['mempoolCtx']>, code: string) {
  const before = pool.stats();
  const r = pool.accept(tx, ctx);
  assert.ok(!r.ok, `expected ${code}`);
  assert.equal(r.error.code, code, r.error.message);
  assert.deepEqual(pool.stats(), before, 'a rejected transaction changes nothing');
  return r.error;
}

/** A spend of alice's genesis output `v` paying `fee`. */
const payFrom = (chain: TestChain, v: number, fee: bigint, to = 'bob') => spend([chain.genesisInput(v, 'alice')], [{ script: p2pkh(to), value: 1000n * COIN - fee }]);

test('accept: a valid spend enters with fee, size, the entry time passed in and the tip height; stats add up', () => {
  const { chain, pool, ctx } = setup();
  chain.mine();
  const tx = payFrom(chain, 0, 5000n);
  const r = accepted(pool, tx, ctx(1234));
  assert.equal(r.fee, 5000n);
  assert.equal(r.size, legacyTxSize(tx));
  const e = pool.entry(txidOf(tx))!;
  assert.equal(e.time, 1234);
  assert.equal(e.height, 1);
  assert.equal(e.fee, 5000n);
  assert.deepEqual([e.ancestorCount, e.descendantCount], [1, 1]);
  assert.deepEqual(pool.stats(), { count: 1, bytes: r.size, fees: 5000n, maxBytes: 100_000_000, evictionFloorPerKb: 0n });
  assert.ok(pool.has(txidOf(tx)));
  assert.equal(pool.get(txidOf(tx)), tx);
});

test('error: TX_ALREADY_IN_MEMPOOL, TX_COINBASE, and context-free codes pass through', () => {
  const { chain, pool, ctx } = setup();
  const tx = payFrom(chain, 0, 5000n);
  accepted(pool, tx, ctx());
  rejected(pool, tx, ctx(), 'TX_ALREADY_IN_MEMPOOL');
  const built = chain.build([]);
  assert.ok(built.ok);
  rejected(pool, built.value.block.txs[0]!, ctx(), 'TX_COINBASE');
  const dup = spend([chain.genesisInput(1, 'alice'), chain.genesisInput(1, 'alice')], [{ script: p2pkh('bob'), value: COIN }]);
  rejected(pool, dup, ctx(), 'TX_INPUTS_DUPLICATE');
  const witness = payFrom(chain, 2, 5000n).clone();
  witness.setWitness(0, [Buffer.from([1])]);
  rejected(pool, witness, ctx(), 'TX_DECODE_SEGWIT');
});

test('error: TX_MEMPOOL_CONFLICT names the mempool transaction already spending the input (no replacement)', () => {
  const { chain, pool, ctx } = setup();
  const first = payFrom(chain, 0, 5000n, 'bob');
  const second = payFrom(chain, 0, 50_000n, 'carol');
  accepted(pool, first, ctx());
  const e = rejected(pool, second, ctx(), 'TX_MEMPOOL_CONFLICT');
  assert.equal(e.conflictingTxid, displayTxid(txidOf(first)));
  assert.equal(e.input, 0);
  assert.equal(e.outpoint, `${displayTxid(chain.genesis.txids[0]!)}:0`);
  assert.deepEqual(pool.spenderOf({ txid: chain.genesis.txids[0]!, vout: 0 }), txidOf(first));
});

test('error: TX_ALREADY_KNOWN for a transaction already confirmed; TX_MISSING_INPUTS for an unknown parent', () => {
  const { chain, pool, ctx } = setup();
  const tx = payFrom(chain, 0, 5000n);
  chain.mine([tx]);
  rejected(pool, tx, ctx(), 'TX_ALREADY_KNOWN');
  const orphan = spend([{ outpoint: { txid: new Uint8Array(32).fill(4), vout: 0 }, coin: chain.genesisInput(0).coin, signer: 'alice' }], [{ script: p2pkh('bob'), value: COIN }]);
  rejected(pool, orphan, ctx(), 'TX_MISSING_INPUTS');
});

test('error: TX_MIN_RELAY_FEE one satoshi below ceil(size × minRelayFeePerKb / 1000); exactly that is accepted', () => {
  const { chain, pool, ctx } = setup();
  const op = chain.genesisInput(6); // OP_TRUE coin, 1 coin
  const mk = (fee: bigint) => spend([{ ...op, scriptSig: new Uint8Array(0) }], [{ script: p2pkh('bob'), value: COIN - fee }]);
  const size = legacyTxSize(mk(0n));
  const need = feeForSize(chain.spec.minRelayFeePerKb, size);
  assert.equal(need, BigInt(size), '1000 sat/kB is one satoshi per byte');
  const e = rejected(pool, mk(need - 1n), ctx(), 'TX_MIN_RELAY_FEE');
  assert.equal(e.required, need.toString());
  accepted(pool, mk(need), ctx());
});

test('error: TX_NONSTANDARD for version, output forms, dust (546 for P2PKH), scriptSig size and push-only', () => {
  const { chain, pool, ctx } = setup();
  const a = chain.genesisInput(0, 'alice');
  const v3 = spend([a], [{ script: p2pkh('bob'), value: 999n * COIN }], { version: 3 });
  assert.equal(rejected(pool, v3, ctx(), 'TX_NONSTANDARD').reason, 'version');
  const bare = spend([a], [{ script: OP_TRUE, value: 999n * COIN }]);
  assert.equal(rejected(pool, bare, ctx(), 'TX_NONSTANDARD').reason, 'scriptpubkey');
  assert.equal(dustThreshold(p2pkh('bob'), 3000n), 546n);
  const dust = spend([a], [{ script: p2pkh('bob'), value: 545n }, { script: p2pkh('alice'), value: 999n * COIN }]);
  const d = rejected(pool, dust, ctx(), 'TX_NONSTANDARD');
  assert.deepEqual([d.reason, d.output], ['dust', 0]);
  const opTrue = chain.genesisInput(6);
  const nop = spend([{ ...opTrue, scriptSig: Uint8Array.of(0x61) }], [{ script: p2pkh('bob'), value: COIN - 10_000n }]);
  assert.equal(rejected(pool, nop, ctx(), 'TX_NONSTANDARD').reason, 'scriptsig-not-pushonly');
  const huge = new Uint8Array(1651);
  huge.set([0x4d, 0x60, 0x06]); // PUSHDATA2 1632 bytes …
  huge.set([0x4c, 0x10], 1635); // … then PUSHDATA1 16 bytes: 1651 bytes, pushes only
  const bigSig = spend([{ ...opTrue, scriptSig: huge }], [{ script: p2pkh('bob'), value: COIN - 10_000n }]);
  assert.equal(rejected(pool, bigSig, ctx(), 'TX_NONSTANDARD').reason, 'scriptsig-size');
  const ok = spend([a], [{ script: p2pkh('bob'), value: 546n }, { script: Uint8Array.of(0x6a, 2, 1, 2), value: 5000n }, { script: p2pkh('alice'), value: 999n * COIN }]);
  accepted(pool, ok, ctx());
  assert.equal(classifyOutput(ccScript(1), true), 'cc');
  assert.equal(classifyOutput(ccScript(1), false), 'nonstandard');
});

test('error: TX_SCRIPT_POLICY when only a standardness flag fails (non-minimal push), TX_SCRIPT_FAILED otherwise', () => {
  const { chain, pool, ctx } = setup();
  const good = payFrom(chain, 0, 5000n);
  const sig = good.ins[0]!.script;
  const n = sig[0]!;
  // Re-encode the signature push with OP_PUSHDATA1: same stack, violates MINIMALDATA only.
  const padded = new Uint8Array(sig.length + 1);
  padded.set([0x4c, n]);
  padded.set(sig.subarray(1), 2);
  const tx = spend([{ ...chain.genesisInput(0), scriptSig: padded }], [{ script: p2pkh('bob'), value: 1000n * COIN - 5000n }]);
  const e = rejected(pool, tx, ctx(), 'TX_SCRIPT_POLICY');
  assert.equal(e.scriptError, 'MINIMALDATA');
  const wrongKey = spend([chain.genesisInput(1, 'bob')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  assert.equal(rejected(pool, wrongKey, ctx(), 'TX_SCRIPT_FAILED').scriptError, 'EQUALVERIFY');
});

test('error: TX_NONFINAL and TX_NONFINAL_SEQUENCE are judged for the next block (tip + 1, tip time)', () => {
  const { chain, pool, ctx } = setup();
  chain.mine();
  const locked = (lt: number) => spend([{ ...chain.genesisInput(0, 'alice'), sequence: 0 }], [{ script: p2pkh('bob'), value: 999n * COIN }], { locktime: lt });
  rejected(pool, locked(2), ctx(), 'TX_NONFINAL');
  accepted(pool, locked(1), ctx());
  const parent = payFrom(chain, 1, 5000n);
  accepted(pool, parent, ctx());
  const child = spend([outOf(parent, 0, 'bob', MEMPOOL_HEIGHT, { sequence: 1 })], [{ script: p2pkh('carol'), value: 999n * COIN }], { version: 2 });
  rejected(pool, child, ctx(), 'TX_NONFINAL_SEQUENCE');
  // Once the parent is confirmed at height 2, the child (checked for height 3) waits 1 block: ok.
  const d = chain.mine(pool.selectForBlock(1_000_000));
  pool.blockConnected(d.block.txs, ctx());
  accepted(pool, child, ctx());
});

test('chains of unconfirmed transactions: ancestors, descendants, depends and spentBy', () => {
  const { chain, pool, ctx } = setup();
  const a = payFrom(chain, 0, 1000n);
  const b = spend([outOf(a, 0, 'bob')], [{ script: p2pkh('carol'), value: 1000n * COIN - 3000n }]);
  const c = spend([outOf(b, 0, 'carol')], [{ script: p2pkh('alice'), value: 1000n * COIN - 6000n }]);
  for (const t of [a, b, c]) accepted(pool, t, ctx());
  const ea = pool.entry(txidOf(a))!;
  const eb = pool.entry(txidOf(b))!;
  const ec = pool.entry(txidOf(c))!;
  assert.deepEqual([ea.ancestorCount, ea.descendantCount, ea.descendantFees], [1, 3, 6000n]);
  assert.deepEqual([eb.ancestorCount, eb.descendantCount, eb.ancestorFees], [2, 2, 3000n]);
  assert.deepEqual([ec.ancestorCount, ec.ancestorSize], [3, ea.size + eb.size + ec.size]);
  assert.deepEqual(eb.depends, [txidOf(a)]);
  assert.deepEqual(eb.spentBy, [txidOf(c)]);
  const view = pool.view(chain.view);
  assert.equal(view.getCoin({ txid: txidOf(c), vout: 0 })?.height, MEMPOOL_HEIGHT);
  assert.equal(view.getCoin({ txid: txidOf(a), vout: 0 }), undefined, 'spent by b');
  assert.equal(view.getCoin({ txid: chain.genesis.txids[0]!, vout: 0 }), undefined, 'spent by a');
  assert.ok(view.getCoin({ txid: chain.genesis.txids[0]!, vout: 1 }));
  const removed = pool.remove(txidOf(b));
  assert.deepEqual(new Set(removed.map(displayTxid)), new Set([b, c].map((t) => displayTxid(txidOf(t)))));
  assert.deepEqual(pool.txids(), [txidOf(a)]);
  assert.deepEqual([pool.entry(txidOf(a))!.descendantCount, pool.entry(txidOf(a))!.descendantFees], [1, 1000n]);
});

test('error: TX_TOO_LONG_MEMPOOL_CHAIN at the ancestor and descendant limits', () => {
  const { chain, pool, ctx } = setup({ maxAncestors: 3, maxDescendants: 3 });
  const a = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 500n * COIN }, { script: p2pkh('bob'), value: 499n * COIN }]);
  const b = spend([outOf(a, 0, 'bob')], [{ script: p2pkh('bob'), value: 499n * COIN }]);
  const c = spend([outOf(b, 0, 'bob')], [{ script: p2pkh('bob'), value: 498n * COIN }]);
  const d = spend([outOf(c, 0, 'bob')], [{ script: p2pkh('bob'), value: 497n * COIN }]);
  for (const t of [a, b, c]) accepted(pool, t, ctx());
  rejected(pool, d, ctx(), 'TX_TOO_LONG_MEMPOOL_CHAIN');
  const sib = spend([outOf(a, 1, 'bob')], [{ script: p2pkh('carol'), value: 498n * COIN }]);
  const e = rejected(pool, sib, ctx(), 'TX_TOO_LONG_MEMPOOL_CHAIN');
  assert.match(e.message, /descendants/);
});

test('selection: ancestor fee rate order, a high-fee child pulls its parent in, never before it, within the byte limit', () => {
  const { chain, pool, ctx } = setup();
  const parent = payFrom(chain, 0, 1000n);
  const child = spend([outOf(parent, 0, 'bob')], [
    { script: p2pkh('carol'), value: 1000n * COIN - 101_000n - 2000n },
    { script: p2pkh('carol'), value: 1000n },
    { script: p2pkh('carol'), value: 1000n },
  ]);
  const mid = payFrom(chain, 1, 20_000n);
  const low = payFrom(chain, 2, 2_000n);
  for (const t of [parent, child, mid, low]) accepted(pool, t, ctx());
  const ids = (txs: Transaction[]) => txs.map((t) => displayTxid(txidOf(t)));
  assert.deepEqual(ids(pool.selectForBlock(1_000_000)), ids([parent, child, mid, low]));
  const s = (t: Transaction) => legacyTxSize(t);
  assert.ok(s(parent) + s(child) > s(mid) + s(low));
  assert.deepEqual(ids(pool.selectForBlock(s(mid) + s(low))), ids([mid, low]), 'the package does not fit, the next ones do');
  const built = chain.build(pool.selectForBlock(1_000_000));
  assert.ok(built.ok);
  assert.equal(built.value.block.txs.length, 5);
  assert.equal(built.value.delta.fees, 1000n + 100_000n + 20_000n + 2_000n);
});

test('size limit: the lowest fee-rate package is evicted, a too-cheap newcomer is refused (TX_MEMPOOL_FULL), the floor resets on a block', () => {
  const { chain, pool, ctx } = setup({ maxBytes: 400 });
  const t1 = payFrom(chain, 0, 50_000n);
  const t2 = payFrom(chain, 1, 20_000n);
  accepted(pool, t1, ctx());
  accepted(pool, t2, ctx());
  const cheap = pool.accept(payFrom(chain, 2, 10_000n), ctx());
  assert.ok(!cheap.ok);
  assert.equal(cheap.error.code, 'TX_MEMPOOL_FULL', 'it was added, had the lowest fee rate, and was trimmed again');
  assert.deepEqual(pool.txids(), [txidOf(t1), txidOf(t2)]);
  const t4 = payFrom(chain, 3, 30_000n);
  const r = accepted(pool, t4, ctx());
  assert.deepEqual(r.evicted, [txidOf(t2)]);
  assert.ok(!pool.has(txidOf(t2)));
  assert.ok(pool.stats().evictionFloorPerKb > 0n);
  const e = rejected(pool, payFrom(chain, 2, 20_000n), ctx(), 'TX_MEMPOOL_FULL');
  assert.match(e.message, /fee rate must exceed/);
  const d = chain.mine([t1]);
  pool.blockConnected(d.block.txs, ctx());
  assert.equal(pool.stats().evictionFloorPerKb, 0n);
  accepted(pool, payFrom(chain, 2, 20_000n), ctx());
});

test('blockConnected: confirmed transactions leave, double spends and their descendants are dropped, children of confirmed stay', () => {
  const { chain, pool, ctx } = setup();
  const a = payFrom(chain, 0, 5000n);
  const b = spend([outOf(a, 0, 'bob')], [{ script: p2pkh('carol'), value: 1000n * COIN - 10_000n }]);
  const c = payFrom(chain, 1, 5000n);
  const d = spend([outOf(c, 0, 'bob')], [{ script: p2pkh('carol'), value: 1000n * COIN - 10_000n }]);
  for (const t of [a, b, c, d]) accepted(pool, t, ctx());
  const rival = payFrom(chain, 0, 7000n, 'carol');
  const delta = chain.mine([rival, c]);
  const r = pool.blockConnected(delta.block.txs, ctx());
  assert.deepEqual(r.confirmed, [txidOf(c)]);
  assert.deepEqual(new Set(r.conflicted.map(displayTxid)), new Set([a, b].map((t) => displayTxid(txidOf(t)))));
  assert.deepEqual(r.invalidated, []);
  assert.deepEqual(pool.txids(), [txidOf(d)]);
  const ed = pool.entry(txidOf(d))!;
  assert.deepEqual([ed.ancestorCount, ed.depends.length], [1, 0], 'its parent is now in the chain');
  assert.equal(pool.stats().bytes, ed.size);
});

test('reorg: transactions of a disconnected block return before the old pool; what spent its coinbase is dropped', () => {
  const chain = new TestChain(makeSpec({ coinbaseMaturity: 0 }));
  const pool = new Mempool({ spec: chain.spec });
  const t = payFrom(chain, 0, 5000n);
  accepted(pool, t, chain.mempoolCtx());
  const d1 = chain.mine(pool.selectForBlock(1_000_000));
  pool.blockConnected(d1.block.txs, chain.mempoolCtx());
  assert.equal(pool.size, 0);
  const u = spend([outOf(t, 0, 'bob', 1)], [{ script: p2pkh('carol'), value: 1000n * COIN - 10_000n }]);
  const cb = d1.block.txs[0]!;
  const w = spend([outOf(cb, 0, 'producer', 1)], [{ script: p2pkh('carol'), value: cb.outs[0]!.value - 5000n }]);
  accepted(pool, u, chain.mempoolCtx());
  accepted(pool, w, chain.mempoolCtx());
  chain.disconnect();
  const dropped = pool.reorg(d1.block.txs.slice(1), [], chain.mempoolCtx());
  assert.deepEqual(pool.txids().map(displayTxid), [t, u].map((x) => displayTxid(txidOf(x))));
  assert.equal(dropped.length, 1);
  assert.deepEqual(dropped[0]!.txid, txidOf(w));
  assert.equal(dropped[0]!.error.code, 'TX_MISSING_INPUTS');
  assert.equal(pool.entry(txidOf(u))!.ancestorCount, 2);
});

test('CC in the mempool: mempool mode at tip + 1 with the tip time, unconfirmed CC parents via pendingTx, re-validated at each new tip', () => {
  const host = new ScriptedCcHost();
  const chain = new TestChain(makeSpec(), { ccHost: host });
  chain.mine();
  const pool = new Mempool({ spec: chain.spec, ccHost: host });
  const fund = spend([chain.genesisInput(0, 'alice')], [{ script: ccScript(1), value: 10n * COIN }, { script: p2pkh('alice'), value: 989n * COIN }]);
  accepted(pool, fund, chain.mempoolCtx());
  assert.deepEqual([host.calls[0]!.mode, host.calls[0]!.height, host.calls[0]!.ctx.blockTimeMs], ['mempool', 2, slotStartMs(chain.spec, 1)]);
  const use = spend([{ ...outOf(fund, 0, undefined, MEMPOOL_HEIGHT), scriptSig: CC_SCRIPTSIG }], [{ script: p2pkh('bob'), value: 10n * COIN - 10_000n }]);
  accepted(pool, use, chain.mempoolCtx());
  assert.equal(host.calls[1]!.ctx.pendingTx(txidOf(fund)), fund);
  const plain = payFrom(chain, 1, 5000n);
  accepted(pool, plain, chain.mempoolCtx());
  const callsBefore = host.calls.length;
  // From height 3 on, the module rejects spends (e.g. its state changed).
  host.verdict = (call) => (call.height >= 3 && call.hooked.length > 0 ? { ok: false, error: { code: 'demo/CLOSED', message: 'closed' } } : { ok: true, value: undefined });
  const d = chain.mine();
  const r = pool.blockConnected(d.block.txs, chain.mempoolCtx());
  assert.deepEqual(r.invalidated.map((x) => [displayTxid(x.txid), x.error.code]), [[displayTxid(txidOf(use)), 'TX_CC_REJECTED']]);
  assert.deepEqual(pool.txids().map(displayTxid), [fund, plain].map((x) => displayTxid(txidOf(x))));
  assert.equal(host.calls.length - callsBefore, 2, 'only the two CC transactions were re-validated');
});

test('revalidate({all}) re-checks every transaction: a spend whose chain coin vanished is dropped with its descendants', () => {
  const { chain, pool, ctx } = setup();
  const a = payFrom(chain, 0, 5000n);
  const b = spend([outOf(a, 0, 'bob')], [{ script: p2pkh('carol'), value: 1000n * COIN - 10_000n }]);
  accepted(pool, a, ctx());
  accepted(pool, b, ctx());
  chain.view.spendCoin({ txid: chain.genesis.txids[0]!, vout: 0 }); // as if spent behind the pool's back
  assert.deepEqual(pool.revalidate(ctx()), [], 'forward revalidation skips non-CC transactions');
  const removed = pool.revalidate(ctx(), { all: true });
  assert.deepEqual(removed.map((x) => x.error.code), ['TX_MISSING_INPUTS', 'TX_MISSING_INPUTS']);
  assert.equal(pool.size, 0);
  assert.deepEqual(pool.stats(), { count: 0, bytes: 0, fees: 0n, maxBytes: 100_000_000, evictionFloorPerKb: 0n });
});

test('the script cache: mempool acceptance fills it, the block connecting the transaction hits it', () => {
  const cache = new ScriptCache();
  const chain = new TestChain(makeSpec(), { scriptCache: cache });
  const pool = new Mempool({ spec: chain.spec, scriptCache: cache });
  const txs: Transaction[] = [0, 1, 2].map((v) => payFrom(chain, v, 5000n));
  for (const t of txs) accepted(pool, t, chain.mempoolCtx());
  assert.equal(cache.stats().size, 3);
  const before = cache.stats().hits;
  const d = chain.mine(pool.selectForBlock(1_000_000));
  assert.equal(cache.stats().hits - before, 6, 'build and connect: 3 hits each');
  assert.equal(d.block.txs.length, 4);
});
