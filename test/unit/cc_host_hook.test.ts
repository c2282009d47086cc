/**
 * The 0xCC spend check (CC.md B4 steps 2–9, B5, B6.2) through `verifyScript` with the host's hook:
 * each rule at and past its bound, with the B12 code it must give.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Transaction } from 'bitcoinjs-lib';
import {
  anonNode,
  cc1of1,
  ccCondition,
  ccMultiEval,
  ccOutputScript,
  ccScriptSig,
  createCcHost,
  deriveCondition,
  encodeCondition,
  encodeFulfillment,
  evalNode,
  fulfilledEvals,
  inspectTree,
  parseFulfillment,
  signCcInput,
  signEd25519,
  signSecp256k1,
  typeMask,
  unwrap,
  type CCNode,
  type CcSpendRecord,
  type Secp256k1Node,
  type ThresholdNode,
  type Module,
} from '../../src/cc/index.ts';
import type { CryptoConditionsHook } from '../../src/script/cc.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { ed25519PublicKey } from '../../src/crypto/ed25519.ts';
import { ecdsaSignCompact, publicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { pushData } from '../../src/script/builder.ts';
import { NULL_SIGNATURE_CHECKER, TransactionSignatureChecker } from '../../src/script/checker.ts';
import { legacySighash } from '../../src/script/sighash.ts';
import { verifyScript, type VerifyResult } from '../../src/script/interpreter.ts';
import { concatBytes, equalBytes, fromHex, utf8 } from '../../src/util/bytes.ts';
import { HARNESS_FLAGS, chainWith } from '../examples/harness.ts';
import { readVectorJson, vectorsDir } from '../helpers/vectors.ts';

const key = sha256(utf8('hook key'));
const pk = publicKeyFromPrivate(key);
const key2 = sha256(utf8('hook key 2'));
const OP_TRUE = Uint8Array.of(0x51);

function mod(name: string, evalCode: number, extra: Partial<Module> = {}): Module {
  return { name, evalCode, version: 1, description: name, errors: {}, validate: () => ({ ok: true }), rpc: [], ...extra };
}
const plain = mod('plain', 0x70);
const authz = mod('authz', 0x72, { authorizesSpends: true });
const late = mod('late', 0x74);
const host = unwrap(
  createCcHost({
    chain: chainWith([
      { name: 'plain', evalCode: 0x70 },
      { name: 'authz', evalCode: 0x72 },
      { name: 'late', evalCode: 0x74, activationHeight: 10 },
    ]),
    modules: [plain, authz, late],
  }),
);

/** A one-input transaction spending `spentScript` with `nOut` OP_TRUE outputs. */
function txSpending(nIn = 1, nOut = 1): Transaction {
  const tx = new Transaction();
  tx.version = 1;
  for (let i = 0; i < nIn; i++) tx.addInput(Buffer.from(sha256(utf8(`prev ${i}`))), i, 0xffffffff);
  for (let j = 0; j < nOut; j++) tx.addOutput(Buffer.from(OP_TRUE), 1000n + BigInt(j));
  return tx;
}

function run(tx: Transaction, spentScript: Uint8Array, height = 20, i = 0, hook: CryptoConditionsHook = host.spendHook(height)): VerifyResult {
  return verifyScript(tx.ins[i]!.script, spentScript, HARNESS_FLAGS, new TransactionSignatureChecker(tx, i), { ccHook: hook });
}

/** Signs input `i` of `tx` for `tree` (spending `spentScript`) and installs the scriptSig. */
function signInto(tx: Transaction, tree: CCNode, spentScript: Uint8Array, o: { i?: number; hashType?: number; witness?: Uint8Array; keys?: Uint8Array[] } = {}): void {
  const s = unwrap(signCcInput(tx, o.i ?? 0, { tree, spentScript, privateKeys: o.keys ?? [key], ...(o.hashType !== undefined ? { hashType: o.hashType } : {}), ...(o.witness !== undefined ? { witness: o.witness } : {}) }));
  tx.setInputScript(o.i ?? 0, Buffer.from(s.scriptSig));
}

/** Puts an unsigned fulfillment of `tree` (eval-only shapes) into input `i` with hash type h. */
function fulfillInto(tx: Transaction, tree: CCNode, h = 1, i = 0): void {
  tx.setInputScript(i, Buffer.from(unwrap(ccScriptSig(unwrap(encodeFulfillment(tree)), h))));
}

const errorOf = (r: VerifyResult): string => (r.ok ? 'OK' : r.error);
const recordOf = (r: VerifyResult): CcSpendRecord => {
  assert.ok(r.ok, r.ok ? '' : `${r.error}: ${r.message}`);
  return r.cc as CcSpendRecord;
};

test('B4: a signed 1-of-1 is accepted and its record carries the eval hit, params, hash type and message', () => {
  const tree = cc1of1(0x70, pk, Uint8Array.of(0xaa, 0xbb));
  const spk = ccOutputScript(tree, { evalCode: 0x70, data: Uint8Array.of(1, 2, 3) });
  const tx = txSpending();
  signInto(tx, tree, spk);
  const rec = recordOf(run(tx, spk));
  assert.deepEqual(
    rec.evals.map((e) => [e.evalCode, [...e.params]]),
    [[0x70, [0xaa, 0xbb]]],
  );
  assert.equal(rec.hashType, 1);
  assert.equal(rec.tail?.evalCode, 0x70);
  assert.deepEqual([...(rec.tail?.data ?? [])], [1, 2, 3]);
  assert.ok(equalBytes(rec.condition, ccCondition(tree)));
});

test('B5: the message is the legacy sighash over L‖C‖CC without the tail, as bitcoinjs computes it', () => {
  const tree = cc1of1(0x70, pk);
  const spk = ccOutputScript(tree, { evalCode: 0x70 });
  const tx = txSpending(2, 2);
  signInto(tx, tree, spk, { i: 1, hashType: 0x83 });
  const rec = recordOf(run(tx, spk, 20, 1));
  const sub = ccOutputScript(tree);
  assert.ok(equalBytes(rec.sighash, Uint8Array.from(tx.hashForSignature(1, Buffer.from(sub), 0x83))));
  assert.ok(!equalBytes(rec.sighash, legacySighash(tx, 1, spk, 0x83)), 'the tail is not part of the scriptCode');
});

test('B4.2: hash types 01 02 03 81 82 83 are accepted, others and SINGLE without output are CC_HASHTYPE', () => {
  const tree = cc1of1(0x70, pk);
  const spk = ccOutputScript(tree);
  for (const h of [0x01, 0x02, 0x03, 0x81, 0x82, 0x83]) {
    const tx = txSpending(1, 1);
    signInto(tx, tree, spk, { hashType: h });
    assert.equal(errorOf(run(tx, spk)), 'OK', `h=${h}`);
  }
  for (const h of [0x00, 0x04, 0x41, 0x80, 0x84, 0xff]) {
    const tx = txSpending(1, 1);
    signInto(tx, tree, spk);
    const s = Uint8Array.from(tx.ins[0]!.script);
    s[s.length - 1] = h;
    tx.setInputScript(0, Buffer.from(s));
    assert.equal(errorOf(run(tx, spk)), 'CC_HASHTYPE', `h=${h}`);
  }
  for (const h of [0x03, 0x83]) {
    const tx = txSpending(2, 1); // input 1 has no output 1
    const m = legacySighash(tx, 1, ccOutputScript(tree), 0x01);
    const t = cc1of1(0x70, pk);
    signSecp256k1(t, key, m);
    fulfillInto(tx, t, h, 1);
    assert.equal(errorOf(run(tx, spk, 20, 1)), 'CC_HASHTYPE', `h=${h} on input 1 of 1 output`);
  }
});

test('B4.3: garbage, trailing bytes and a depth-17 tree are CC_PARSE / CC_LIMIT', () => {
  const tree = cc1of1(0x70, pk);
  const spk = ccOutputScript(tree);
  const tx = txSpending();
  tx.setInputScript(0, Buffer.from(unwrap(ccScriptSig(Uint8Array.of(0xa2, 0x03, 0x00, 0x00), 1))));
  assert.equal(errorOf(run(tx, spk)), 'CC_PARSE');
  signInto(tx, tree, spk);
  const good = Uint8Array.from(tx.ins[0]!.script);
  // F‖h with one extra byte between F and h: F now has trailing data.
  const F = good.subarray(2, good.length - 1);
  tx.setInputScript(0, Buffer.from(unwrap(ccScriptSig(concatBytes(F, Uint8Array.of(0)), 1))));
  assert.equal(errorOf(run(tx, spk)), 'CC_PARSE');
  // Depth 17: 16 nested 1-of-1 thresholds around a preimage.
  let deep: CCNode = { type: 'preimage', preimage: new Uint8Array(1) };
  for (let d = 0; d < 16; d++) deep = { type: 'threshold', threshold: 1, children: [deep] };
  const relaxed = { limits: { maxDepth: 32 } };
  const Fdeep = unwrap(encodeFulfillment(deep, relaxed));
  const Cdeep = encodeCondition(unwrap(deriveCondition(deep, relaxed)));
  tx.setInputScript(0, Buffer.from(unwrap(ccScriptSig(Fdeep, 1))));
  assert.equal(errorOf(run(tx, ccOutputScript(Cdeep))), 'CC_LIMIT');
});

test('B4.5: a condition above the root cost 8,388,608 is CC_LIMIT, a truncated condition is never a prefix match', () => {
  const codes = [0x70, 0x72, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79];
  const tree = ccMultiEval(codes, pk); // 8 evals: 8·1,048,576 + 132,096 + 9·1024 > 2^23
  const relaxed = { limits: { maxRootCost: 0xffffffff } };
  const C = encodeCondition(unwrap(deriveCondition(tree, relaxed)));
  const spk = ccOutputScript(C);
  const tx = txSpending();
  signSecp256k1(tree, key, legacySighash(tx, 0, spk, 1));
  tx.setInputScript(0, Buffer.from(unwrap(ccScriptSig(unwrap(encodeFulfillment(tree, relaxed)), 1))));
  assert.equal(errorOf(run(tx, spk)), 'CC_LIMIT');
  // Seven evals fit (7·1,048,576 + 132,096 + 8·1024 = 7,480,320).
  const seven = ccMultiEval(codes.slice(0, 7), pk);
  assert.equal(unwrap(deriveCondition(seven)).cost, 7_480_320);

  const small = cc1of1(0x70, pk);
  const full = ccCondition(small);
  const truncated = concatBytes(Uint8Array.of(full.length - 1), full.subarray(0, full.length - 1), Uint8Array.of(0xcc));
  const tx2 = txSpending();
  signSecp256k1(small, key, legacySighash(tx2, 0, truncated, 1));
  fulfillInto(tx2, small);
  assert.equal(errorOf(run(tx2, truncated)), 'CC_MISMATCH');
});

test('B4.4: a type outside allowedTypes is CC_TYPE, including an anon child\'s type', () => {
  const anonRsa = anonNode({ typeId: 3, fingerprint: sha256(utf8('rsa')), cost: 16384, subtypes: 0 });
  const tree: CCNode = { type: 'threshold', threshold: 1, children: [{ type: 'secp256k1', publicKey: pk }, anonRsa] };
  const spk = ccOutputScript(tree);
  const tx = txSpending();
  signInto(tx, tree, spk);
  assert.equal(errorOf(run(tx, spk)), 'CC_TYPE');
  const strict = unwrap(createCcHost({ chain: chainWith([{ name: 'plain', evalCode: 0x70 }], 0x8024), modules: [plain] }));
  const pre: CCNode = { type: 'threshold', threshold: 2, children: [{ type: 'preimage', preimage: utf8('x') }, { type: 'secp256k1', publicKey: pk }] };
  const spk2 = ccOutputScript(pre);
  const tx2 = txSpending();
  signInto(tx2, pre, spk2);
  assert.equal(errorOf(run(tx2, spk2, 20, 0, strict.spendHook(20))), 'CC_TYPE');
  assert.equal(errorOf(run(tx2, spk2)), 'OK', 'preimage is allowed by default');
});

test('B4.6: a signature by another key over the right message is CC_SIG; ed25519 signers are accepted', () => {
  const tree = cc1of1(0x70, pk);
  const spk = ccOutputScript(tree);
  const tx = txSpending();
  const m = legacySighash(tx, 0, spk, 1);
  const inner = (tree.children[1] as ThresholdNode).children[0] as Secp256k1Node;
  inner.signature = ecdsaSignCompact(m, key2);
  fulfillInto(tx, tree);
  assert.equal(errorOf(run(tx, spk)), 'CC_SIG');

  const seed = sha256(utf8('ed seed'));
  const ed: CCNode = { type: 'threshold', threshold: 2, children: [evalNode(0x70), { type: 'ed25519', publicKey: ed25519PublicKey(seed) }] };
  const spk2 = ccOutputScript(ed);
  const tx2 = txSpending();
  assert.equal(signEd25519(ed, seed, legacySighash(tx2, 0, spk2, 1)), 1);
  fulfillInto(tx2, ed);
  assert.equal(errorOf(run(tx2, spk2)), 'OK');
});

test('B6.2: eval-only spends need authorizesSpends modules and no hidden eval', () => {
  const tx = txSpending();
  const onlyPlain = evalNode(0x70);
  fulfillInto(tx, onlyPlain);
  assert.equal(errorOf(run(tx, ccOutputScript(onlyPlain))), 'CC_NO_SIGNER');

  const onlyAuthz = evalNode(0x72, utf8('aggregate key'));
  fulfillInto(tx, onlyAuthz);
  const rec = recordOf(run(tx, ccOutputScript(onlyAuthz)));
  assert.deepEqual(rec.evals.map((e) => e.evalCode), [0x72]);

  const mixed: CCNode = { type: 'threshold', threshold: 2, children: [evalNode(0x72), evalNode(0x70)] };
  fulfillInto(tx, mixed);
  assert.equal(errorOf(run(tx, ccOutputScript(mixed))), 'CC_NO_SIGNER');

  const hidden: CCNode = { type: 'threshold', threshold: 1, children: [evalNode(0x72), anonNode(unwrap(deriveCondition(evalNode(0x73))))] };
  fulfillInto(tx, hidden);
  assert.equal(errorOf(run(tx, ccOutputScript(hidden))), 'CC_NO_SIGNER', 'an anon eval blocks the exemption');

  const hiddenSub: CCNode = { type: 'threshold', threshold: 1, children: [evalNode(0x72), anonNode(unwrap(deriveCondition(cc1of1(0x73, pk))))] };
  fulfillInto(tx, hiddenSub);
  assert.equal(errorOf(run(tx, ccOutputScript(hiddenSub))), 'CC_NO_SIGNER', 'an anon with eval in its subtypes blocks it too');
});

test('B4.8: an eval code unregistered, or registered but not yet active, is CC_EVAL_UNKNOWN; active from its height', () => {
  const tree = cc1of1(0x74, pk);
  const spk = ccOutputScript(tree);
  const tx = txSpending();
  signInto(tx, tree, spk);
  assert.equal(errorOf(run(tx, spk, 9)), 'CC_EVAL_UNKNOWN');
  assert.equal(errorOf(run(tx, spk, 10)), 'OK');
  const unknown = cc1of1(0x99, pk);
  const spk2 = ccOutputScript(unknown);
  signInto(tx, unknown, spk2);
  assert.equal(errorOf(run(tx, spk2)), 'CC_EVAL_UNKNOWN');
  // Step 7 comes first: an eval-only unknown module is reported as no signer.
  fulfillInto(tx, evalNode(0x99));
  assert.equal(errorOf(run(tx, ccOutputScript(evalNode(0x99)))), 'CC_NO_SIGNER');
});

test('B4.9: a tail binds spends to its module; a 1-of-n bypass of the eval is CC_EVAL_MISSING only when tailed', () => {
  const bypass: CCNode = { type: 'threshold', threshold: 1, children: [{ type: 'secp256k1', publicKey: pk }, evalNode(0x70)] };
  const untailed = ccOutputScript(bypass);
  const tailed = ccOutputScript(bypass, { evalCode: 0x70 });
  const tx = txSpending();
  signInto(tx, bypass, untailed);
  assert.deepEqual(recordOf(run(tx, untailed)).evals, [], 'the cheaper secp256k1 child is chosen, no eval dispatched');
  signInto(tx, bypass, tailed);
  assert.equal(errorOf(run(tx, tailed)), 'CC_EVAL_MISSING');
  // A tail naming another module than the fulfilled eval.
  const tree = cc1of1(0x70, pk);
  const other = ccOutputScript(tree, { evalCode: 0x72 });
  signInto(tx, tree, other);
  assert.equal(errorOf(run(tx, other)), 'CC_EVAL_MISSING');
  // A tail of another version names no module at all.
  const v2 = concatBytes(ccOutputScript(tree), pushData(Uint8Array.of(0x02, 0x70)), Uint8Array.of(0x75));
  signInto(tx, tree, v2);
  assert.equal(errorOf(run(tx, v2)), 'CC_EVAL_MISSING');
});

test('B3: the module witness reaches the record; 10,000 bytes pass, 10,001 and three pushes are CC_SCRIPTSIG', () => {
  const tree = cc1of1(0x70, pk);
  const spk = ccOutputScript(tree);
  const tx = txSpending();
  const W = new Uint8Array(10_000).fill(7);
  signInto(tx, tree, spk, { witness: W });
  assert.ok(equalBytes(recordOf(run(tx, spk)).witness!, W));
  const withW = Uint8Array.from(tx.ins[0]!.script);
  const fPush = withW.subarray(0, withW.length - W.length - 3);
  tx.setInputScript(0, Buffer.from(concatBytes(fPush, pushData(new Uint8Array(10_001)))));
  assert.equal(errorOf(run(tx, spk)), 'CC_SCRIPTSIG');
  tx.setInputScript(0, Buffer.from(concatBytes(fPush, pushData(Uint8Array.of(1)), pushData(Uint8Array.of(2)))));
  assert.equal(errorOf(run(tx, spk)), 'CC_SCRIPTSIG');
  // A non-minimal push of F‖h (PUSHDATA2 for 121 bytes).
  const fh = fPush.subarray(2);
  tx.setInputScript(0, Buffer.from(concatBytes(Uint8Array.of(0x4d, fh.length, 0), fh)));
  assert.equal(errorOf(run(tx, spk)), 'CC_SCRIPTSIG');
});

test('the hook fails closed with CC_HOST_ERROR when the checker carries no transaction', () => {
  const tree = cc1of1(0x70, pk);
  const spk = ccOutputScript(tree);
  const tx = txSpending();
  signInto(tx, tree, spk);
  const r = verifyScript(tx.ins[0]!.script, spk, HARNESS_FLAGS, NULL_SIGNATURE_CHECKER, { ccHook: host.spendHook(20) });
  assert.equal(errorOf(r), 'CC_HOST_ERROR');
});

test('inspectTree agrees with the library: typeMask and fulfilledEvals on every vector fulfillment', () => {
  const files = readdirSync(join(vectorsDir(), 'crypto-conditions', 'valid')).filter((f) => f.endsWith('.json'));
  const hexes = files.map((f) => readVectorJson<{ fulfillment: string }>(`crypto-conditions/valid/${f}`).fulfillment);
  const komodo = readVectorJson<{ valid: { fulfillment: string | null }[] }>('crypto-conditions/komodo/komodo-vectors.json').valid;
  for (const v of komodo) if (v.fulfillment !== null) hexes.push(v.fulfillment);
  let compared = 0;
  for (const hex of hexes) {
    const parsed = parseFulfillment(fromHex(hex), { limits: { maxContents: 1 << 16, maxRootCost: 0xffffffff, maxFulfillment: 1 << 16 } });
    if (!parsed.ok) continue;
    const facts = inspectTree(parsed.value);
    assert.equal(facts.mask, typeMask(parsed.value), hex.slice(0, 16));
    assert.deepEqual(
      facts.evals.map((e) => [[...e.code], e.path]),
      fulfilledEvals(parsed.value).map((e) => [[...e.code], e.path]),
    );
    compared++;
  }
  assert.ok(compared >= 20, `compared ${compared} trees`);
});
