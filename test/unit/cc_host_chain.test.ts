/**
 * The CC host plugged into chain validation: it is assignable to the chain's `CcHostAdapter` (so the
 * chain's ChainSpec, Coin, UtxoView and CcTxContext fit its narrower types), and CC transactions run
 * end to end through `checkTxContextual` in block and mempool mode, with the script cache handing
 * the hook's info back through `reuseInput` while modules still run in block mode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transaction } from 'bitcoinjs-lib';
import { cc1of1, ccOutputScript, createCcHost, encodeOpret, signCcInput, unwrap, type CcHost, type Module, type ValidationContext } from '../../src/cc/index.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { publicKeyFromPrivate, xOnlyPublicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { toHex, utf8 } from '../../src/util/bytes.ts';
import { parseChainSpec } from '../../src/chain/spec/parse.ts';
import type { ChainSpec } from '../../src/chain/spec/types.ts';
import { genesisDelta } from '../../src/chain/state/delta.ts';
import { MemoryUtxoView } from '../../src/chain/state/memoryView.ts';
import { txidOf } from '../../src/chain/state/txid.ts';
import type { OutPoint } from '../../src/chain/state/types.ts';
import type { CcHostAdapter } from '../../src/chain/validation/ccAdapter.ts';
import { checkTxContextual, type TxContext } from '../../src/chain/validation/contextual.ts';
import { TxRejectCode } from '../../src/chain/validation/errors.ts';
import { ScriptCache } from '../../src/chain/validation/scriptCache.ts';
import { HELLO_EVAL, HELLO_OPRET, encodeCounterTail, helloModule } from '../examples/hello/index.ts';

const GENESIS_MS = 1_735_689_600_000;
const ownerKey = sha256(utf8('chain owner'));
const owner = publicKeyFromPrivate(ownerKey);
const counter = (count: number): Uint8Array => ccOutputScript(cc1of1(HELLO_EVAL, owner), { evalCode: HELLO_EVAL, data: encodeCounterTail({ owner, count }) });

const spec: ChainSpec = unwrap(
  parseChainSpec({
    name: 'cchost-cc-host-test',
    version: 1,
    genesisTimeMs: GENESIS_MS,
    allocations: [
      { script: toHex(counter(0)), amount: '0.0002' },
      { script: '51', amount: '1' },
    ],
    reward: { initial: '3', halvingInterval: 0, endHeight: 0 },
    minRelayFeePerKb: '0.00001',
    coinbaseMaturity: 5,
    turnLength: 12,
    producers: [{ name: 'producer', key: toHex(xOnlyPublicKeyFromPrivate(sha256(utf8('producer')))) }],
    cc: { enabled: true, activationHeight: 0, modules: [{ name: 'hello', evalCode: '0x70', version: 1, activationHeight: 0 }] },
    limits: { maxBlockBytes: 2_000_000, maxTxBytes: 100_000 },
  }),
);
const genesis = genesisDelta(spec);
const counterOut: OutPoint = { txid: genesis.txids[0]!, vout: 0 };
const feeOut: OutPoint = { txid: genesis.txids[0]!, vout: 1 };

/** hello, wrapped to record the mode of each validate call. */
function recording(modes: string[]): Module {
  return {
    ...helloModule,
    validate: (tx, ins, outs, ctx: ValidationContext) => {
      modes.push(ctx.mode);
      return helloModule.validate(tx, ins, outs, ctx);
    },
  };
}

/** A bump of the genesis counter to `count` (fee paid by the OP_TRUE allocation). */
function bump(count: number): Transaction {
  const tx = new Transaction();
  tx.version = 1;
  tx.addInput(Buffer.from(counterOut.txid), counterOut.vout, 0xffffffff);
  tx.addInput(Buffer.from(feeOut.txid), feeOut.vout, 0xffffffff);
  tx.addOutput(Buffer.from(counter(count)), 20_000n);
  tx.addOutput(Buffer.from([0x51]), 99_000_000n);
  tx.addOutput(Buffer.from(unwrap(encodeOpret(HELLO_OPRET, 'B', { count, note: 'chain' }))), 0n);
  tx.setInputScript(0, Buffer.from(unwrap(signCcInput(tx, 0, { tree: cc1of1(HELLO_EVAL, owner), spentScript: counter(0), privateKeys: [ownerKey] })).scriptSig));
  return tx;
}

function ctx(host: CcHostAdapter, mode: 'block' | 'mempool', scriptCache?: ScriptCache): TxContext {
  return { spec, mode, height: 1, blockTimeMs: GENESIS_MS + 500, blockTimeAt: () => GENESIS_MS, ccHost: host, scriptCache };
}

test('the host is a CcHostAdapter: the chain passes its own spec, coins, view and context', () => {
  const host: CcHost = unwrap(createCcHost({ chain: spec, modules: [helloModule] }));
  const adapter: CcHostAdapter = host;
  assert.equal(typeof adapter.beginTransaction, 'function');
});

test('end to end: a CC bump passes checkTxContextual in block mode; a module rejection and a bad signature are typed', () => {
  const modes: string[] = [];
  const host: CcHostAdapter = unwrap(createCcHost({ chain: spec, modules: [recording(modes)] }));
  const view = new MemoryUtxoView(genesis.created);
  const good = bump(1);
  const r = checkTxContextual(good, txidOf(good), view, ctx(host, 'block'));
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual([r.value.touchesCc, r.value.fee, modes], [true, 1_000_000n, ['block']]);

  const skip = bump(2);
  const r2 = checkTxContextual(skip, txidOf(skip), view, ctx(host, 'block'));
  assert.ok(!r2.ok);
  assert.deepEqual([r2.error.code, r2.error['ccCode'], r2.error['module'], r2.error['input']], [TxRejectCode.CC_REJECTED, 'hello/BAD_COUNT', 'hello', 0]);

  const forged = bump(1);
  forged.outs[1]!.value = 98_000_000n; // changes the signed message after signing
  const r3 = checkTxContextual(forged, txidOf(forged), view, ctx(host, 'block'));
  assert.ok(!r3.ok);
  assert.deepEqual([r3.error.code, r3.error['scriptError'], r3.error['input']], [TxRejectCode.SCRIPT_FAILED, 'CC_SIG', 0]);
});

/** Wraps a host to count hook calls and successful reuses. */
function spied(host: CcHost, counts: { hook: number; reuse: number }): CcHostAdapter {
  return {
    beginTransaction: (tx, spent, c) => {
      const s = host.beginTransaction(tx, spent, c);
      return {
        hookForInput: (i) => {
          counts.hook++;
          return s.hookForInput(i);
        },
        reuseInput: (i, info) => {
          const r = s.reuseInput(i, info);
          if (r) counts.reuse++;
          return r;
        },
        finish: () => s.finish(),
      };
    },
  };
}

test('end to end: the script cache reuses the mempool verification of the CC input, and the module runs again in block mode', () => {
  const modes: string[] = [];
  const counts = { hook: 0, reuse: 0 };
  const host = spied(unwrap(createCcHost({ chain: spec, modules: [recording(modes)] })), counts);
  const view = new MemoryUtxoView(genesis.created);
  const cache = new ScriptCache();
  const tx = bump(1);
  const m = checkTxContextual(tx, txidOf(tx), view, ctx(host, 'mempool', cache));
  assert.ok(m.ok && !m.value.cacheHit);
  assert.deepEqual(counts, { hook: 1, reuse: 0 });
  const b = checkTxContextual(tx, txidOf(tx), view, ctx(host, 'block', cache));
  assert.ok(b.ok, b.ok ? '' : b.error.message);
  assert.equal(b.value.cacheHit, true);
  assert.deepEqual(counts, { hook: 1, reuse: 1 }, 'the CC input was not verified again');
  assert.deepEqual(modes, ['mempool', 'block']);
  // Another host instance does not accept the first one's cached info: it re-verifies and still passes.
  const counts2 = { hook: 0, reuse: 0 };
  const other = spied(unwrap(createCcHost({ chain: spec, modules: [recording(modes)] })), counts2);
  const o = checkTxContextual(tx, txidOf(tx), view, ctx(other, 'block', cache));
  assert.ok(o.ok);
  assert.deepEqual(counts2, { hook: 1, reuse: 0 });
});

test('end to end: creating a CC output with a tail naming no module is TX_CC_REJECTED with CC_OUTPUT', () => {
  const host: CcHostAdapter = unwrap(createCcHost({ chain: spec, modules: [helloModule] }));
  const view = new MemoryUtxoView(genesis.created);
  const tx = new Transaction();
  tx.version = 1;
  tx.addInput(Buffer.from(feeOut.txid), feeOut.vout, 0xffffffff);
  tx.addOutput(Buffer.from(ccOutputScript(cc1of1(0x71, owner), { evalCode: 0x71 })), 10_000n);
  const r = checkTxContextual(tx, txidOf(tx), view, ctx(host, 'block'));
  assert.ok(!r.ok);
  assert.deepEqual([r.error.code, r.error['ccCode'], r.error['output']], [TxRejectCode.CC_REJECTED, 'CC_OUTPUT', 0]);
});
