import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transaction } from 'bitcoinjs-lib';
import { MAX_MONEY, slotStartMs } from '../../src/chain/params.ts';
import { MemoryUtxoView } from '../../src/chain/state/memoryView.ts';
import { displayTxid } from '../../src/chain/state/key.ts';
import { txidOf } from '../../src/chain/state/txid.ts';
import type { Coin } from '../../src/chain/state/types.ts';
import { checkFinal, checkRelativeLocks, checkTxContextual } from '../../src/chain/validation/contextual.ts';
import type { TxContext } from '../../src/chain/validation/contextual.ts';
import { checkTxInputs, isImmatureCoinbase } from '../../src/chain/validation/inputs.ts';
import { SEQUENCE_TIME_UNIT_MS, isFinalTx } from '../../src/chain/validation/finality.ts';
import { BLOCK_SCRIPT_FLAGS, MEMPOOL_SCRIPT_FLAGS, ccActiveAt, ccContextKey, scriptFlagsFor } from '../../src/chain/validation/flags.ts';
import { SCRIPT_VERIFY_CRYPTOCONDITIONS, SCRIPT_VERIFY_LOW_S, SCRIPT_VERIFY_NULLFAIL, SCRIPT_VERIFY_STRICTENC } from '../../src/script/flags.ts';
import type { CcHostAdapter } from '../../src/chain/validation/ccAdapter.ts';
import { CC_SCRIPTSIG, COIN, GENESIS_MS, ScriptedCcHost, TestChain, ccScript, makeSpec, outOf, p2pkh, spend } from './chain_validation_fixture.ts';

const OP_TRUE = Uint8Array.of(0x51);

function txCtx(chain: TestChain, height: number, extra: Partial<TxContext> = {}): TxContext {
  const slot = height <= chain.height ? chain.refs[height]!.slot : chain.tip.slot + (height - chain.height);
  return { spec: chain.spec, mode: 'block', height, blockTimeMs: slotStartMs(chain.spec, slot), blockTimeAt: chain.blockTimeAt, ...extra };
}

/** The block-level rejection of `tx` in the next block (asserting it is BLOCK_TX_INVALID) or 'ok'. */
function tryInBlock(chain: TestChain, tx: Transaction, fee = 0n): string | { code: string; [k: string]: unknown } {
  const r = chain.connect(chain.assemble([tx], { fees: fee }));
  if (r.ok) return 'ok';
  assert.equal(r.error.code, 'BLOCK_TX_INVALID', r.error.message);
  assert.equal(r.error.txIndex, 1);
  return r.error.txError!;
}

test('flags: blocks use the DESIGN.md consensus set, the mempool a superset, CC from the activation height', () => {
  for (const f of [SCRIPT_VERIFY_STRICTENC, SCRIPT_VERIFY_LOW_S, SCRIPT_VERIFY_NULLFAIL]) assert.ok((BLOCK_SCRIPT_FLAGS & f) !== 0);
  assert.equal(MEMPOOL_SCRIPT_FLAGS & BLOCK_SCRIPT_FLAGS, BLOCK_SCRIPT_FLAGS, 'mempool flags include every block flag');
  const spec = makeSpec({ cc: { enabled: true, activationHeight: 3, modules: [{ name: 'hello', evalCode: 0x70, version: 1, activationHeight: 5, params: {} }] } });
  assert.equal(scriptFlagsFor(spec, 2, 'block') & SCRIPT_VERIFY_CRYPTOCONDITIONS, 0);
  assert.notEqual(scriptFlagsFor(spec, 3, 'block') & SCRIPT_VERIFY_CRYPTOCONDITIONS, 0);
  assert.notEqual(scriptFlagsFor(spec, 3, 'mempool') & SCRIPT_VERIFY_CRYPTOCONDITIONS, 0);
  assert.equal(ccActiveAt(makeSpec({ cc: { enabled: false, activationHeight: 0 } }), 10), false);
  assert.deepEqual([2, 3, 4, 5, 9].map((h) => ccContextKey(spec, h)), [0, 1, 1, 2, 2]);
});

test('a signed P2PKH spend of a genesis allocation is valid at height 1 (genesis coins need no maturity)', () => {
  const chain = new TestChain();
  const tx = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  const r = checkTxContextual(tx, txidOf(tx), chain.view, txCtx(chain, 1));
  assert.ok(r.ok);
  assert.equal(r.value.fee, 1n * COIN);
  assert.equal(r.value.coins.length, 1);
  assert.equal(isImmatureCoinbase(chain.genesisInput(0).coin, 1, 100), false, 'height-0 coins are exempt');
});

test('error: TX_MISSING_INPUTS names the outpoint (display txid:vout), also for an already spent coin', () => {
  const chain = new TestChain();
  const missing = { outpoint: { txid: new Uint8Array(32).fill(7), vout: 3 }, coin: chain.genesisInput(0).coin, signer: 'alice' };
  const tx = spend([missing], [{ script: p2pkh('bob'), value: 1n }]);
  const r = checkTxContextual(tx, txidOf(tx), chain.view, txCtx(chain, 1));
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'TX_MISSING_INPUTS');
  assert.equal(r.error.input, 0);
  assert.equal(r.error.outpoint, `${'07'.repeat(32)}:3`);
  assert.match(r.error.message, /07070707.*:3/);

  const pay = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  chain.mine([pay]);
  const again = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('carol'), value: 999n * COIN }]);
  const e = tryInBlock(chain, again, COIN);
  assert.equal(typeof e === 'object' && e.code, 'TX_MISSING_INPUTS');
  assert.equal(typeof e === 'object' && e.outpoint, `${displayTxid(chain.genesis.txids[0]!)}:0`);
});

test('error: TX_IN_BELOWOUT when outputs exceed inputs by one satoshi; equal is a zero fee', () => {
  const chain = new TestChain();
  const over = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 1000n * COIN + 1n }]);
  const r = checkTxContextual(over, txidOf(over), chain.view, txCtx(chain, 1));
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'TX_IN_BELOWOUT');
  assert.equal(r.error.reason, 'bad-txns-in-belowout');
  const exact = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 1000n * COIN }]);
  const ok = checkTxContextual(exact, txidOf(exact), chain.view, txCtx(chain, 1));
  assert.ok(ok.ok);
  assert.equal(ok.value.fee, 0n);
});

test('error: TX_INPUT_VALUES_OUT_OF_RANGE when spent coins add up beyond MAX_MONEY', () => {
  const a = { txid: new Uint8Array(32).fill(1), vout: 0 };
  const b = { txid: new Uint8Array(32).fill(2), vout: 0 };
  const coin: Coin = { value: MAX_MONEY, script: OP_TRUE, height: 0, coinbase: false };
  const view = new MemoryUtxoView([
    { outpoint: a, coin },
    { outpoint: b, coin },
  ]);
  const tx = spend([{ outpoint: a, coin }, { outpoint: b, coin }], [{ script: OP_TRUE, value: 0n }]);
  const r = checkTxInputs(tx, view, 1, 100);
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'TX_INPUT_VALUES_OUT_OF_RANGE');
  assert.equal(r.error.input, 1);
  const one = spend([{ outpoint: a, coin }], [{ script: OP_TRUE, value: 0n }]);
  assert.ok(checkTxInputs(one, view, 1, 100).ok, 'MAX_MONEY itself is in range');
});

test('coinbase maturity: a reward of height 1 is spendable from height 1 + maturity, not one block earlier', () => {
  const chain = new TestChain(makeSpec({ coinbaseMaturity: 5 }));
  const b1 = chain.mine();
  const cbCoin = b1.created.find((e) => e.coin.coinbase)!;
  const input = { outpoint: cbCoin.outpoint, coin: cbCoin.coin, signer: 'producer' };
  const tx = spend([input], [{ script: p2pkh('bob'), value: cbCoin.coin.value - 1000n }]);
  for (let i = 0; i < 3; i++) chain.mine(); // tip 4: the next block is 5
  const early = tryInBlock(chain, tx, 1000n);
  assert.ok(typeof early === 'object');
  assert.equal(early.code, 'TX_PREMATURE_SPEND_OF_COINBASE');
  assert.equal(early.input, 0);
  assert.match(String(early.message), /spendable from height 6 \(this is 5\)/);
  chain.mine(); // tip 5: the next block is 6
  assert.equal(tryInBlock(chain, tx, 1000n), 'ok');
});

test('lock time: height locks are final strictly above the lock height; non-final sequences matter, final ones do not', () => {
  const chain = new TestChain();
  const tx = spend([{ ...chain.genesisInput(0, 'alice'), sequence: 0 }], [{ script: p2pkh('bob'), value: 999n * COIN }], { locktime: 3 });
  assert.equal(isFinalTx(tx, 3, 0), false);
  assert.equal(isFinalTx(tx, 4, 0), true);
  const r = checkFinal(tx, 3, 0);
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'TX_NONFINAL');
  const seqFinal = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 999n * COIN }], { locktime: 3 });
  assert.equal(isFinalTx(seqFinal, 1, 0), true, 'every input final: lock time ignored');

  // In a block: locktime 1 is not final in block 1, final in block 2.
  const lock1 = spend([{ ...chain.genesisInput(0, 'alice'), sequence: 0xfffffffe }], [{ script: p2pkh('bob'), value: 999n * COIN }], { locktime: 1 });
  const e = tryInBlock(chain, lock1, COIN);
  assert.equal(typeof e === 'object' && e.code, 'TX_NONFINAL');
  chain.mine();
  assert.equal(tryInBlock(chain, lock1, COIN), 'ok');
});

test('lock time: time locks compare with the block slot start in whole seconds', () => {
  const chain = new TestChain();
  const blockTime = slotStartMs(chain.spec, 5);
  const sec = Math.floor(blockTime / 1000);
  const at = (lt: number) => spend([{ ...chain.genesisInput(0, 'alice'), sequence: 0 }], [{ script: p2pkh('bob'), value: 1n }], { locktime: lt });
  assert.equal(isFinalTx(at(sec), 1, blockTime), false);
  assert.equal(isFinalTx(at(sec - 1), 1, blockTime), true);
  assert.equal(sec, Math.floor((GENESIS_MS + 2500) / 1000));
});

test('BIP68 height locks: version 2 input waits `value` blocks after its coin; version 1 and the disable flag ignore it', () => {
  const chain = new TestChain();
  const coin: Coin = { value: COIN, script: OP_TRUE, height: 10, coinbase: false };
  const op = { txid: new Uint8Array(32).fill(3), vout: 0 };
  const mk = (version: number, sequence: number) => spend([{ outpoint: op, coin, sequence, scriptSig: new Uint8Array(0) }], [{ script: OP_TRUE, value: 1n }], { version });
  const ctx = (height: number) => ({ height, blockTimeMs: 0, blockTimeAt: () => 0 });
  const tx = mk(2, 4);
  const fail = checkRelativeLocks(tx, [coin], ctx(13));
  assert.ok(!fail.ok);
  assert.equal(fail.error.code, 'TX_NONFINAL_SEQUENCE');
  assert.equal(fail.error.input, 0);
  assert.ok(checkRelativeLocks(tx, [coin], ctx(14)).ok, 'coin height 10 + 4 = 14');
  assert.ok(checkRelativeLocks(mk(1, 4), [coin], ctx(11)).ok, 'version 1: no relative locks');
  assert.ok(checkRelativeLocks(mk(2, 0x80000004), [coin], ctx(11)).ok, 'disable flag');
  void chain;
});

test('BIP68 time locks: blockTime − time of the coin block ≥ value × 512 s; same-block coins use the block time', () => {
  const coin: Coin = { value: COIN, script: OP_TRUE, height: 10, coinbase: false };
  const op = { txid: new Uint8Array(32).fill(3), vout: 0 };
  const tx = spend([{ outpoint: op, coin, sequence: (1 << 22) | 2, scriptSig: new Uint8Array(0) }], [{ script: OP_TRUE, value: 1n }], { version: 2 });
  const asked: number[] = [];
  const blockTimeAt = (h: number) => {
    asked.push(h);
    return 1_000_000 + h;
  };
  const need = 1_000_010 + 2 * SEQUENCE_TIME_UNIT_MS;
  assert.ok(!checkRelativeLocks(tx, [coin], { height: 20, blockTimeMs: need - 1, blockTimeAt }).ok);
  assert.ok(checkRelativeLocks(tx, [coin], { height: 20, blockTimeMs: need, blockTimeAt }).ok);
  assert.deepEqual(asked, [10, 10], 'the coin block time came from the lookup');
  const sameBlock: Coin = { ...coin, height: 0x7fffffff };
  const r = checkRelativeLocks(tx, [sameBlock], { height: 20, blockTimeMs: need, blockTimeAt });
  assert.ok(!r.ok, 'a coin of this block (or the mempool) has waited 0 s');
});

test('BIP68 in a block: a height-locked spend of a block-1 output connects at 1 + value, not before', () => {
  const chain = new TestChain();
  const parent = spend([chain.genesisInput(0, 'alice')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  chain.mine([parent]); // parent output at height 1
  const child = spend([outOf(parent, 0, 'bob', 1, { sequence: 3 })], [{ script: p2pkh('carol'), value: 998n * COIN }], { version: 2 });
  chain.mine(); // tip 2, next 3
  const e = tryInBlock(chain, child, COIN);
  assert.equal(typeof e === 'object' && e.code, 'TX_NONFINAL_SEQUENCE');
  chain.mine(); // next 4 = 1 + 3
  assert.equal(tryInBlock(chain, child, COIN), 'ok');
});

test('error: TX_SCRIPT_FAILED with the script error when the wrong key signs', () => {
  const chain = new TestChain();
  const tx = spend([chain.genesisInput(0, 'bob')], [{ script: p2pkh('bob'), value: 999n * COIN }]);
  const r = checkTxContextual(tx, txidOf(tx), chain.view, txCtx(chain, 1));
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'TX_SCRIPT_FAILED');
  assert.equal(r.error.input, 0);
  assert.equal(r.error.scriptError, 'EQUALVERIFY');
});

test('CC: a transaction creating a CC output with no CC host fails closed (TX_CC_NO_HOST); spending one fails with CC_NO_HOST', () => {
  const chain = new TestChain();
  const tx = spend([chain.genesisInput(0, 'alice')], [{ script: ccScript(1), value: 999n * COIN }]);
  const r = checkTxContextual(tx, txidOf(tx), chain.view, txCtx(chain, 1));
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'TX_CC_NO_HOST');

  const op = { txid: new Uint8Array(32).fill(9), vout: 0 };
  const coin: Coin = { value: COIN, script: ccScript(2), height: 0, coinbase: false };
  const view = new MemoryUtxoView([{ outpoint: op, coin }]);
  const s = spend([{ outpoint: op, coin, scriptSig: CC_SCRIPTSIG }], [{ script: p2pkh('bob'), value: COIN - 1000n }]);
  const r2 = checkTxContextual(s, txidOf(s), view, txCtx(chain, 1));
  assert.ok(!r2.ok);
  assert.equal(r2.error.code, 'TX_SCRIPT_FAILED');
  assert.equal(r2.error.scriptError, 'CC_NO_HOST');
});

test('CC: with the flag off (chain or height), CC-shaped outputs need no host and their spends are BAD_OPCODE', () => {
  const off = new TestChain(makeSpec({ cc: { enabled: false, activationHeight: 0 } }));
  const tx = spend([off.genesisInput(0, 'alice')], [{ script: ccScript(1), value: 999n * COIN }]);
  off.mine([tx]);
  const s = spend([{ ...outOf(tx, 0, undefined), scriptSig: CC_SCRIPTSIG }], [{ script: p2pkh('bob'), value: 998n * COIN }]);
  const e = tryInBlock(off, s, COIN);
  assert.equal(typeof e === 'object' && e.code, 'TX_SCRIPT_FAILED');
  assert.equal(typeof e === 'object' && e.scriptError, 'BAD_OPCODE');

  const later = new TestChain(makeSpec({ cc: { enabled: true, activationHeight: 2 } }));
  later.mine([spend([later.genesisInput(0, 'alice')], [{ script: ccScript(1), value: 999n * COIN }])]);
  const t2 = spend([later.genesisInput(1, 'alice')], [{ script: ccScript(1), value: 999n * COIN }]);
  assert.equal((tryInBlock(later, t2, COIN) as { code: string }).code, 'TX_CC_NO_HOST', 'active from height 2');
});

test('CC: the host sees block mode, the height and block time, hooks each CC input, then finish runs once', () => {
  const host = new ScriptedCcHost();
  const chain = new TestChain(makeSpec(), { ccHost: host });
  const fund = spend([chain.genesisInput(0, 'alice')], [
    { script: ccScript(1), value: 10n * COIN },
    { script: ccScript(2), value: 10n * COIN },
    { script: p2pkh('alice'), value: 979n * COIN },
  ]);
  chain.mine([fund]);
  assert.equal(host.calls.length, 2, 'build and connect each validated the funding tx (outputs only)');
  assert.deepEqual(host.calls.map((c) => [c.mode, c.height, c.hooked.length, c.finished]), [
    ['block', 1, 0, true],
    ['block', 1, 0, true],
  ]);
  host.calls.length = 0;
  const use = spend(
    [
      { ...outOf(fund, 0, undefined), scriptSig: CC_SCRIPTSIG },
      outOf(fund, 2, 'alice'),
      { ...outOf(fund, 1, undefined), scriptSig: CC_SCRIPTSIG },
    ],
    [{ script: p2pkh('bob'), value: 990n * COIN }],
  );
  assert.equal(tryInBlock(chain, use, 9n * COIN), 'ok');
  assert.equal(host.calls.length, 1);
  const call = host.calls[0]!;
  assert.deepEqual(call.hooked, [0, 2]);
  assert.equal(call.finished, true);
  assert.equal(call.mode, 'block');
  assert.equal(call.height, 2);
  assert.equal(call.ctx.blockTimeMs, slotStartMs(chain.spec, 2));
  assert.deepEqual(call.txid, txidOf(use));
});

test('CC: a dependent CC transaction in the same block sees its parent through pendingTx and the view', () => {
  const host = new ScriptedCcHost();
  const seen: (bigint | undefined)[] = [];
  const chain = new TestChain(makeSpec(), { ccHost: host });
  const parent = spend([chain.genesisInput(0, 'alice')], [{ script: ccScript(1), value: 999n * COIN }]);
  host.verdict = (call) => {
    // The view is live: read it while the session runs (before the transaction is applied).
    if (call.hooked.length > 0) seen.push(call.ctx.view.getCoin({ txid: txidOf(parent), vout: 0 })?.value);
    return { ok: true, value: undefined };
  };
  const child = spend([{ ...outOf(parent, 0, undefined), scriptSig: CC_SCRIPTSIG }], [{ script: p2pkh('bob'), value: 998n * COIN }]);
  const r = chain.connect(chain.assemble([parent, child], { fees: 2n * COIN }));
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const childCall = host.calls.find((c) => c.hooked.length > 0)!;
  assert.deepEqual(childCall.ctx.pendingTx(txidOf(parent)), parent);
  assert.equal(childCall.ctx.pendingTx(new Uint8Array(32)), undefined);
  assert.deepEqual(seen, [999n * COIN]);
});

test('error: TX_CC_REJECTED carries the module code, module, eval code and input', () => {
  const host = new ScriptedCcHost();
  host.verdict = () => ({ ok: false, error: { code: 'faucet/TOO_SOON', message: 'wait 10 blocks', input: 0, evalCode: 0xe4, module: 'faucet' } });
  const chain = new TestChain(makeSpec(), { ccHost: host });
  const tx = spend([chain.genesisInput(0, 'alice')], [{ script: ccScript(1, 0xe4), value: 999n * COIN }]);
  const r = checkTxContextual(tx, txidOf(tx), chain.view, txCtx(chain, 1, { ccHost: host }));
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'TX_CC_REJECTED');
  assert.equal(r.error.ccCode, 'faucet/TOO_SOON');
  assert.equal(r.error.module, 'faucet');
  assert.equal(r.error.evalCode, 0xe4);
  assert.equal(r.error.input, 0);
  assert.match(r.error.message, /faucet\/TOO_SOON: wait 10 blocks/);
});

test('error: TX_CC_HOST_ERROR when the host throws at the start or in finish, or returns garbage (fail closed)', () => {
  const chain = new TestChain();
  const tx = spend([chain.genesisInput(0, 'alice')], [{ script: ccScript(1), value: 999n * COIN }]);
  const throwsAtStart: CcHostAdapter = {
    beginTransaction() {
      throw new Error('boom');
    },
  };
  const throwsInFinish: CcHostAdapter = {
    beginTransaction: () => ({
      hookForInput: () => ({ checkSpend: () => ({ ok: true }) }),
      finish() {
        throw new Error('module bug');
      },
    }),
  };
  const garbage = { beginTransaction: () => ({ hookForInput: () => ({ checkSpend: () => ({ ok: true }) }), finish: () => 42 }) } as unknown as CcHostAdapter;
  for (const ccHost of [throwsAtStart, throwsInFinish, garbage]) {
    const r = checkTxContextual(tx, txidOf(tx), chain.view, txCtx(chain, 1, { ccHost }));
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'TX_CC_HOST_ERROR');
  }
});

test('CC: a failing fulfillment check is a script failure with the CC code, and finish is not reached', () => {
  const host = new ScriptedCcHost();
  host.spendResult = 'CC_SIG';
  const chain = new TestChain(makeSpec(), { ccHost: host });
  const op = { txid: new Uint8Array(32).fill(9), vout: 0 };
  const coin: Coin = { value: COIN, script: ccScript(2), height: 0, coinbase: false };
  const view = new MemoryUtxoView([{ outpoint: op, coin }]);
  const s = spend([{ outpoint: op, coin, scriptSig: CC_SCRIPTSIG }], [{ script: p2pkh('bob'), value: COIN - 1000n }]);
  const r = checkTxContextual(s, txidOf(s), view, txCtx(chain, 1, { ccHost: host }));
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'TX_SCRIPT_FAILED');
  assert.equal(r.error.scriptError, 'CC_SIG');
  assert.equal(host.calls[0]!.finished, false);
});
