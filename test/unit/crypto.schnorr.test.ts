import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schnorrSign, schnorrVerify, xOnlyPublicKeyFromPrivate, randomPrivateKey } from '../../src/crypto/secp256k1.ts';
import { schnorrSignGeneric, schnorrVerifyGeneric } from '../../src/crypto/schnorr.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { CchostError } from '../../src/util/errors.ts';
import { fromHex, utf8 } from '../../src/util/bytes.ts';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const bytes32 = (x: bigint) => fromHex(x.toString(16).padStart(64, '0'));
const key = sha256(utf8('cchost schnorr key'));
const pub = xOnlyPublicKeyFromPrivate(key);

test('the WASM signer (32-byte messages) and the specification signer agree on random keys', () => {
  for (let i = 0; i < 16; i++) {
    const k = randomPrivateKey();
    const m = sha256(utf8(`vote ${i}`));
    const aux = sha256(utf8(`aux ${i}`));
    const a = schnorrSign(m, k, aux);
    assert.deepEqual(schnorrSignGeneric(m, k, aux), a);
    assert.equal(schnorrVerifyGeneric(a, xOnlyPublicKeyFromPrivate(k), m), true);
  }
});

test('messages of any length sign and verify; a different message or key fails', () => {
  for (const len of [0, 1, 31, 33, 64, 1000]) {
    const m = new Uint8Array(len).fill(7);
    const sig = schnorrSign(m, key, new Uint8Array(32));
    assert.equal(schnorrVerify(sig, pub, m), true, `len ${len}`);
    const m2 = new Uint8Array(len + 1).fill(7);
    assert.equal(schnorrVerify(sig, pub, m2), false, `len ${len} vs ${len + 1}`);
    assert.equal(schnorrVerify(sig, xOnlyPublicKeyFromPrivate(sha256(key)), m), false);
  }
});

test('without auxRand each signature uses fresh randomness; with zero auxRand it is deterministic', () => {
  const m = sha256(utf8('block'));
  const a = schnorrSign(m, key);
  const b = schnorrSign(m, key);
  assert.notDeepEqual(a, b);
  assert.equal(schnorrVerify(a, pub, m), true);
  assert.equal(schnorrVerify(b, pub, m), true);
  assert.deepEqual(schnorrSign(m, key, new Uint8Array(32)), schnorrSign(m, key, new Uint8Array(32)));
});

test('schnorrVerify returns false (never throws) on malformed input', () => {
  const m = sha256(utf8('x'));
  const sig = schnorrSign(m, key, new Uint8Array(32));
  const withR = (r: bigint) => {
    const s = sig.slice();
    s.set(bytes32(r), 0);
    return s;
  };
  const withS = (v: bigint) => {
    const s = sig.slice();
    s.set(bytes32(v), 32);
    return s;
  };
  assert.equal(schnorrVerify(sig.subarray(0, 63), pub, m), false);
  assert.equal(schnorrVerify(sig, new Uint8Array(33), m), false);
  assert.equal(schnorrVerify(sig, new Uint8Array(32), m), false); // x = 0 is not on the curve
  assert.equal(schnorrVerify(withR(P), pub, m), false);
  assert.equal(schnorrVerify(withR(N), pub, m), false); // R.x in [n, p): allowed range, wrong value
  assert.equal(schnorrVerify(withR(N + 5n), pub, new Uint8Array(3)), false);
  assert.equal(schnorrVerify(withS(N), pub, m), false);
  assert.equal(schnorrVerify(withS(0n), pub, m), false);
  assert.equal(schnorrVerify(withS(0n), pub, new Uint8Array(5)), false);
  assert.equal(schnorrVerify(sig, pub, 'x' as unknown as Uint8Array), false);
});

test('schnorrSign errors: CRYPTO_BAD_KEY, CRYPTO_BAD_ARGUMENT (aux_rand size), CRYPTO_BAD_MESSAGE', () => {
  const code = (c: string) => (e: unknown) => e instanceof CchostError && e.code === c;
  assert.throws(() => schnorrSign(new Uint8Array(32), new Uint8Array(32)), code('CRYPTO_BAD_KEY'));
  assert.throws(() => schnorrSign(new Uint8Array(32), key, new Uint8Array(31)), code('CRYPTO_BAD_ARGUMENT'));
  assert.throws(() => schnorrSign('m' as unknown as Uint8Array, key), code('CRYPTO_BAD_MESSAGE'));
});
