/** Verification (CC.md A1.1, A7), the eval callback (fail closed), signing helpers and type masks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  anonNode,
  checkTypes,
  conditionMask,
  deriveCondition,
  encodeCondition,
  encodeFulfillment,
  fromJSON,
  fulfilledEvals,
  parseFulfillment,
  signEd25519,
  signSecp256k1,
  typeMask,
  verify,
  verifyDetailed,
  verifySignatures,
  type CCNode,
} from '../../src/cc/conditions/index.ts';
import { ed25519PublicKey } from '../../src/crypto/ed25519.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { publicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { CchostError, unwrap } from '../../src/util/errors.ts';
import { utf8 } from '../../src/util/bytes.ts';

const k1 = sha256(utf8('verify key 1'));
const k2 = sha256(utf8('verify key 2'));
const seed = sha256(utf8('ed seed'));
const m32 = sha256(utf8('sighash'));
const secp = (k: Uint8Array): CCNode => ({ type: 'secp256k1', publicKey: publicKeyFromPrivate(k) });
const evalNode = (...code: number[]): CCNode => ({ type: 'eval', code: Uint8Array.from(code) });
const cc1of1 = (code: number, k: Uint8Array): CCNode => ({
  type: 'threshold',
  threshold: 2,
  children: [evalNode(code), { type: 'threshold', threshold: 1, children: [secp(k)] }],
});
const condOf = (t: CCNode): Uint8Array => encodeCondition(unwrap(deriveCondition(t)));

test('A1.1: a signed Komodo 1-of-1 verifies only with an accepting eval callback', () => {
  const t = cc1of1(0xe4, k1);
  assert.equal(signSecp256k1(t, k1, m32), 1);
  const F = unwrap(encodeFulfillment(t));
  const C = condOf(t);
  const seen: [number[], number[]][] = [];
  assert.equal(verify(F, C, m32, { evalCallback: (code, path) => (seen.push([[...code], [...path]]), true) }), true);
  assert.deepEqual(seen, [[[0xe4], [1]]], 'called once, with the code and its path in the parsed tree');
  const none = verifyDetailed(F, C, m32);
  assert.ok(!none.ok && none.error.code === 'CC_EVAL_REJECTED', 'no callback: fail closed');
  assert.equal(verify(F, C, m32, { evalCallback: () => false }), false);
  assert.equal(
    verify(F, C, m32, {
      evalCallback: () => {
        throw new Error('module bug');
      },
    }),
    false,
    'a throwing callback fails closed',
  );
  assert.equal(verify(F, C, m32, { evalCallback: () => 1 as unknown as boolean }), false, 'only true accepts');
});

test('A1.1 step 2: the condition is compared exactly (no prefix match, Q1)', () => {
  const t = cc1of1(0xe4, k1);
  signSecp256k1(t, k1, m32);
  const F = unwrap(encodeFulfillment(t));
  const C = condOf(t);
  const cb = { evalCallback: () => true };
  assert.equal(verify(F, C, m32, cb), true);
  for (const c of [Uint8Array.from([...C, 0]), C.subarray(0, C.length - 1), C.map((b, i) => (i === 10 ? b ^ 1 : b))]) {
    const r = verifyDetailed(F, c, m32, cb);
    assert.ok(!r.ok && r.error.code === 'CC_MISMATCH');
  }
});

test('A7: secp256k1 needs exactly 32 message bytes, strict low-S; wrong key or message fails with CC_SIG', () => {
  const t = secp(k1);
  signSecp256k1(t, k1, m32);
  const F = unwrap(encodeFulfillment(t));
  const C = condOf(t);
  assert.equal(verify(F, C, m32), true);
  for (const m of [m32.subarray(0, 31), Uint8Array.from([...m32, 0]), sha256(m32)]) {
    const r = verifyDetailed(F, C, m);
    assert.ok(!r.ok && r.error.code === 'CC_SIG' && r.error.rule === 'A7');
  }
  // a high-S twin of a valid signature fails (n − s)
  const p = unwrap(parseFulfillment(F));
  assert.ok(p.type === 'secp256k1' && p.signature);
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const s = BigInt(`0x${Buffer.from(p.signature.subarray(32)).toString('hex')}`);
  const hi = Uint8Array.from([...p.signature.subarray(0, 32), ...Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex')]);
  const highS: CCNode = { type: 'secp256k1', publicKey: p.publicKey, signature: hi };
  assert.ok(!verifySignatures(highS, m32).ok);
});

test('A7: prefix bounds the message and prepends its prefix; secp256k1 under a non-empty prefix cannot verify', () => {
  const ed = ed25519PublicKey(seed);
  const t: CCNode = { type: 'prefix', prefix: utf8('pre:'), maxMessageLength: 5, child: { type: 'ed25519', publicKey: ed } };
  assert.equal(signEd25519(t, seed, utf8('hello')), 1);
  const F = unwrap(encodeFulfillment(t));
  const C = condOf(t);
  assert.equal(verify(F, C, utf8('hello')), true);
  const long = verifyDetailed(F, C, utf8('hello!'));
  assert.ok(!long.ok && long.error.code === 'CC_SIG' && /maxMessageLength/.test(long.error.message));
  assert.equal(verify(F, C, utf8('hellO')), false);
  const underPrefix: CCNode = { type: 'prefix', prefix: utf8('x'), maxMessageLength: 32, child: secp(k1) };
  assert.equal(signSecp256k1(underPrefix, k1, m32), 0, 'the node would receive 33 bytes');
  const emptyPrefix: CCNode = { type: 'prefix', prefix: new Uint8Array(0), maxMessageLength: 32, child: secp(k1) };
  assert.equal(signSecp256k1(emptyPrefix, k1, m32), 1);
  assert.equal(verify(unwrap(encodeFulfillment(emptyPrefix)), condOf(emptyPrefix), m32), true);
});

test('signing: every matching node is signed and counted; others and anon nodes are left alone', () => {
  const anon = anonNode(unwrap(deriveCondition(secp(k1))));
  const t: CCNode = { type: 'threshold', threshold: 2, children: [secp(k1), secp(k2), secp(k1), anon] };
  assert.equal(signSecp256k1(t, k2, m32), 1);
  assert.equal(signSecp256k1(t, k1, m32), 2);
  assert.equal(signSecp256k1(t, sha256(utf8('stranger')), m32), 0);
  assert.equal(anon.type === 'anon' && !('signature' in anon), true);
  const F = unwrap(encodeFulfillment(t));
  assert.equal(verify(F, condOf(t), m32), true);
  assert.throws(() => signSecp256k1(t, k1, m32.subarray(1)), (e: unknown) => e instanceof CchostError && e.code === 'CC_ARG');
  assert.throws(() => signSecp256k1(t, new Uint8Array(32), m32), (e: unknown) => e instanceof CchostError);
  assert.throws(() => signEd25519(t, new Uint8Array(31), m32), (e: unknown) => e instanceof CchostError);
  // signing never changes the condition
  const fresh: CCNode = { type: 'threshold', threshold: 2, children: [secp(k1), secp(k2), secp(k1), anon] };
  assert.deepEqual(condOf(fresh), condOf(t));
});

test('anonymous eval nodes are never dispatched; fulfilled evals are listed with their paths in DER order', () => {
  const t: CCNode = {
    type: 'threshold',
    threshold: 2,
    children: [evalNode(0xe3), evalNode(0x12, 1, 2), evalNode(0xe4, 9, 9, 9, 9)],
  };
  const p = unwrap(parseFulfillment(unwrap(encodeFulfillment(t))));
  const evals = fulfilledEvals(p);
  assert.deepEqual(evals.map((e) => [...e.code]), [[0xe3], [0x12, 1, 2]]); // AF 03… sorts before AF 05…
  assert.deepEqual(evals.map((e) => [...e.path]), [[0], [1]]);
  assert.ok(p.type === 'threshold' && p.children[2]!.type === 'anon');
  const called: number[] = [];
  assert.equal(verify(unwrap(encodeFulfillment(t)), condOf(t), m32, { evalCallback: (c) => (called.push(c[0]!), true) }), true);
  assert.deepEqual(called, [0xe3, 0x12]);
});

test('typeMask: root, every node and anon subtypes; checkTypes reports CC_TYPE', () => {
  const t = cc1of1(0xe4, k1);
  assert.equal(typeMask(t), 0x8024);
  assert.equal(conditionMask(unwrap(deriveCondition(t))), 0x8024);
  assert.ok(checkTypes(t, 0x8035).ok);
  const hidden: CCNode = {
    type: 'threshold',
    threshold: 1,
    children: [secp(k1), anonNode({ typeId: 2, fingerprint: new Uint8Array(32), cost: 0, subtypes: 1 << 1 })],
  };
  assert.equal(typeMask(hidden), (1 << 2) | (1 << 5) | (1 << 1));
  const r = checkTypes(hidden, 0x8035);
  assert.ok(!r.ok && r.error.code === 'CC_TYPE');
});

test('verify never throws on junk arguments', () => {
  const junk: unknown[] = [undefined, null, 'A0028000', [0xa0, 2, 0x80, 0], {}, 7];
  for (const a of junk) {
    assert.equal(verify(a as Uint8Array, new Uint8Array(0), new Uint8Array(0)), false);
    assert.equal(verify(Uint8Array.of(0xa0, 2, 0x80, 0), a as Uint8Array, new Uint8Array(0)), false);
  }
  assert.equal(fromJSON(undefined).ok, false);
});
