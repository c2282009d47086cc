/**
 * The example module `hello` (test/examples/hello) through the whole host path: each transaction runs
 * its inputs through `verifyScript` with the session's hook, then the session's `finish()` (output
 * rules and module dispatch), as chain validation does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transaction } from 'bitcoinjs-lib';
import {
  cc1of1,
  ccCondition,
  ccOutputScript,
  ccScriptSig,
  encodeFulfillment,
  encodeOpret,
  signCcInput,
  signSecp256k1,
  unwrap,
  type HostCoin,
  type Module,
  type ModuleFault,
} from '../../src/cc/index.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { publicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { pushData } from '../../src/script/builder.ts';
import { legacySighash } from '../../src/script/sighash.ts';
import { ccSubScript } from '../../src/cc/sdk/script.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { hostFor, runTx } from '../examples/harness.ts';
import { HELLO_EVAL, HELLO_OPRET, encodeCounterTail, helloModule } from '../examples/hello/index.ts';

const ownerKey = sha256(utf8('hello owner'));
const owner = publicKeyFromPrivate(ownerKey);
const otherKey = sha256(utf8('hello other'));
const other = publicKeyFromPrivate(otherKey);
const OP_TRUE = Uint8Array.of(0x51);
const fundingTxid = sha256(utf8('funding'));

function counterScript(count: number, who = owner, condOwner = who): Uint8Array {
  return ccOutputScript(cc1of1(HELLO_EVAL, condOwner), { evalCode: HELLO_EVAL, data: encodeCounterTail({ owner: who, count }) });
}

function txOf(ins: readonly { txid: Uint8Array; vout: number }[], outs: readonly { script: Uint8Array; value: bigint }[]): Transaction {
  const tx = new Transaction();
  tx.version = 1;
  for (const i of ins) tx.addInput(Buffer.from(i.txid), i.vout, 0xffffffff);
  for (const o of outs) tx.addOutput(Buffer.from(o.script), o.value);
  return tx;
}

function bumpOpret(count: number, note = 'hi'): Uint8Array {
  return unwrap(encodeOpret(HELLO_OPRET, 'B', { count, note }));
}

/** A counter created by a funding transaction, and the coin it is. */
function created(count = 0, value = 20_000n): { tx: Transaction; coin: HostCoin } {
  const tx = txOf([{ txid: fundingTxid, vout: 0 }], [{ script: counterScript(count), value }]);
  return { tx, coin: { value, script: tx.outs[0]!.script } };
}

/** A signed bump of `prev` (output 0) to `nextCount`, with the opret saying `opretCount`. */
function bump(prev: { tx: Transaction; coin: HostCoin }, nextCount: number, opretCount = nextCount, value = prev.coin.value): Transaction {
  const tx = txOf([{ txid: prev.tx.getHash(), vout: 0 }], [{ script: counterScript(nextCount), value }, { script: bumpOpret(opretCount), value: 0n }]);
  const s = unwrap(signCcInput(tx, 0, { tree: cc1of1(HELLO_EVAL, owner), spentScript: prev.coin.script, privateKeys: [ownerKey] }));
  tx.setInputScript(0, Buffer.from(s.scriptSig));
  return tx;
}

const host = hostFor([helloModule]);
const describe = (r: unknown): string => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
const junkPush = (n: number): Uint8Array => {
  const b = new Uint8Array(n).fill(0xa2);
  b[n - 1] = 0x01; // a valid hash type, so the parser is what rejects it
  return pushData(b);
};
const opTrue: HostCoin = { value: 50_000n, script: OP_TRUE };

test('hello: creating a counter runs validateOutputs and is accepted', () => {
  const c = created();
  const r = runTx(host, c.tx, [opTrue]);
  assert.equal(r.ok, true, describe(r));
  if (r.ok) assert.deepEqual(r.session.touchedModules(), [HELLO_EVAL]);
});

test('hello: a bump with a valid fulfillment is accepted through verifyScript and finish', () => {
  const c = created();
  const r = runTx(host, bump(c, 1), [c.coin]);
  assert.equal(r.ok, true, describe(r));
});

test('hello: a signature over another transaction fails the hook with CC_SIG', () => {
  const c = created();
  const tx = bump(c, 1);
  tx.outs[1]!.script = Buffer.from(bumpOpret(1, 'changed after signing'));
  const r = runTx(host, tx, [c.coin]);
  assert.deepEqual([r.ok, !r.ok && r.stage, !r.ok && r.code, !r.ok && r.input], [false, 'script', 'CC_SIG', 0]);
});

test('hello: a fulfillment for another eval code is CC_MISMATCH', () => {
  const c = created();
  const tx = txOf([{ txid: c.tx.getHash(), vout: 0 }], [{ script: counterScript(1), value: c.coin.value }, { script: bumpOpret(1), value: 0n }]);
  const tree = cc1of1(0x71, owner);
  const m = legacySighash(tx, 0, ccSubScript(tree), 1);
  assert.equal(signSecp256k1(tree, ownerKey, m), 1);
  tx.setInputScript(0, Buffer.from(unwrap(ccScriptSig(unwrap(encodeFulfillment(tree)), 1))));
  const r = runTx(host, tx, [c.coin]);
  assert.deepEqual([r.ok, !r.ok && r.code], [false, 'CC_MISMATCH']);
});

test('hello: an untailed output under an unregistered eval code can be created but not spent (CC_EVAL_UNKNOWN)', () => {
  const script = ccOutputScript(cc1of1(0x71, owner));
  const fund = txOf([{ txid: fundingTxid, vout: 1 }], [{ script, value: 30_000n }]);
  assert.equal(runTx(host, fund, [opTrue]).ok, true);
  const coin = { value: 30_000n, script };
  const spend = txOf([{ txid: fund.getHash(), vout: 0 }], [{ script: OP_TRUE, value: 29_000n }]);
  spend.setInputScript(0, Buffer.from(unwrap(signCcInput(spend, 0, { tree: cc1of1(0x71, owner), spentScript: script, privateKeys: [ownerKey] })).scriptSig));
  const r = runTx(host, spend, [coin]);
  assert.deepEqual([r.ok, !r.ok && r.stage, !r.ok && r.code], [false, 'script', 'CC_EVAL_UNKNOWN']);
});

test('hello: a tampered spent condition is CC_MISMATCH', () => {
  const c = created();
  const tx = bump(c, 1);
  const tampered = c.coin.script.slice();
  tampered[10] = tampered[10]! ^ 0x01; // inside the fingerprint: still a CC template
  const r = runTx(host, tx, [{ value: c.coin.value, script: tampered }]);
  assert.deepEqual([r.ok, !r.ok && r.code], [false, 'CC_MISMATCH']);
});

test('hello: a 2049-byte fulfillment push is CC_SCRIPTSIG, a 2048-byte one reaches the parser', () => {
  const c = created();
  const tx = bump(c, 1);
  tx.setInputScript(0, Buffer.from(junkPush(2049)));
  const over = runTx(host, tx, [c.coin]);
  assert.deepEqual([over.ok, !over.ok && over.code], [false, 'CC_SCRIPTSIG']);
  tx.setInputScript(0, Buffer.from(junkPush(2048)));
  const at = runTx(host, tx, [c.coin]);
  assert.deepEqual([at.ok, !at.ok && at.code], [false, 'CC_PARSE']);
});

test('hello: a module rejection is reported as hello/<CODE> with the input', () => {
  const c = created();
  const r = runTx(host, bump(c, 2), [c.coin]);
  assert.deepEqual([r.ok, !r.ok && r.stage, !r.ok && r.code, !r.ok && r.input], [false, 'finish', 'hello/BAD_COUNT', 0]);
  const r2 = runTx(host, bump(c, 1, 3), [c.coin]);
  assert.deepEqual([r2.ok, !r2.ok && r2.code], [false, 'hello/OPRET_MISMATCH']);
  const r3 = runTx(host, bump(c, 1, 1, 19_999n), [c.coin]);
  assert.deepEqual([r3.ok, !r3.ok && r3.code], [false, 'hello/VALUE']);
});

test('hello: validateOutputs rejects a dust counter, a lying tail and an orphan counter', () => {
  const dust = txOf([{ txid: fundingTxid, vout: 0 }], [{ script: counterScript(0), value: 9_999n }]);
  const r1 = runTx(host, dust, [opTrue]);
  assert.deepEqual([r1.ok, !r1.ok && r1.code], [false, 'hello/DUST']);
  const lying = txOf([{ txid: fundingTxid, vout: 0 }], [{ script: counterScript(0, owner, other), value: 20_000n }]);
  const r2 = runTx(host, lying, [opTrue]);
  assert.deepEqual([r2.ok, !r2.ok && r2.code], [false, 'hello/BAD_CONDITION']);
  const orphan = txOf([{ txid: fundingTxid, vout: 0 }], [{ script: counterScript(5), value: 20_000n }]);
  const r3 = runTx(host, orphan, [opTrue]);
  assert.deepEqual([r3.ok, !r3.ok && r3.code], [false, 'hello/ORPHAN_COUNTER']);
});

test('hello: a module that throws gives CC_MODULE_THREW and the fault is reported, not raised', () => {
  const faults: ModuleFault[] = [];
  const throwing: Module = {
    ...helloModule,
    validate: () => {
      throw new Error('boom');
    },
  };
  const h = hostFor([throwing], { onModuleFault: (f) => faults.push(f) });
  const c = created();
  const r = runTx(h, bump(c, 1), [c.coin]);
  assert.deepEqual([r.ok, !r.ok && r.stage, !r.ok && r.code], [false, 'finish', 'CC_MODULE_THREW']);
  assert.equal(faults.length, 1);
  assert.equal(faults[0]!.hook, 'validate');
  assert.equal((faults[0]!.error as Error).message, 'boom');
});

test('hello: the counter condition is the owner 1-of-1 and differs per owner', () => {
  assert.notDeepEqual(ccCondition(cc1of1(HELLO_EVAL, owner)), ccCondition(cc1of1(HELLO_EVAL, other)));
});
