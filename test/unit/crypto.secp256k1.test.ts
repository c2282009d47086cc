import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ecdsaSign,
  ecdsaSignCompact,
  ecdsaVerifyCompact,
  ecdsaVerifyLax,
  encodeDer,
  isLowS,
  isValidPrivateKey,
  isValidPubkey,
  normalizePubkey,
  publicKeyFromPrivate,
  randomPrivateKey,
  xOnly,
  xOnlyPublicKeyFromPrivate,
} from '../../src/crypto/secp256k1.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { CchostError } from '../../src/util/errors.ts';
import { fromHex, toHex, utf8 } from '../../src/util/bytes.ts';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const big = (b: Uint8Array) => BigInt('0x' + (toHex(b) || '0'));
const bytes32 = (x: bigint) => fromHex(x.toString(16).padStart(64, '0'));

function throwsCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof CchostError && e.code === code);
}

const key = sha256(utf8('cchost secp256k1 test key'));
const msg = sha256(utf8('hello'));

test('ecdsaSign is RFC 6979: private key 1 over SHA-256("Satoshi Nakamoto") gives the published signature', () => {
  const one = bytes32(1n);
  const h = sha256(utf8('Satoshi Nakamoto'));
  assert.equal(
    toHex(ecdsaSign(h, one)),
    '3045022100934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8' +
      '02202442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5',
  );
  assert.deepEqual(ecdsaSign(h, one), ecdsaSign(h, one));
});

test('signatures are always low-S and verify with both verifiers', () => {
  for (let i = 0; i < 20; i++) {
    const k = randomPrivateKey();
    const m = sha256(utf8(`m${i}`));
    const c = ecdsaSignCompact(m, k);
    assert.equal(isLowS(c), true);
    assert.ok(big(c.subarray(32)) <= N / 2n);
    for (const compressed of [true, false]) {
      const pub = publicKeyFromPrivate(k, compressed);
      assert.equal(ecdsaVerifyCompact(c, pub, m), true);
      assert.equal(ecdsaVerifyLax(encodeDer(c), pub, m), true);
    }
  }
});

test('low-S normalisation: a high-S signature verifies lax but not compact with requireLowS', () => {
  const c = ecdsaSignCompact(msg, key);
  const high = c.slice();
  high.set(bytes32(N - big(c.subarray(32))), 32);
  const pub = publicKeyFromPrivate(key);
  assert.equal(isLowS(high), false);
  assert.equal(ecdsaVerifyLax(encodeDer(high), pub, msg), true);
  assert.equal(ecdsaVerifyCompact(high, pub, msg), false);
  assert.equal(ecdsaVerifyCompact(high, pub, msg, { requireLowS: true }), false);
  assert.equal(ecdsaVerifyCompact(high, pub, msg, { requireLowS: false }), true);
});

test('isLowS: boundary at n/2, false for wrong sizes', () => {
  const sig = new Uint8Array(64);
  sig.set(bytes32(N / 2n), 32);
  assert.equal(isLowS(sig), true);
  sig.set(bytes32(N / 2n + 1n), 32);
  assert.equal(isLowS(sig), false);
  assert.equal(isLowS(new Uint8Array(63)), false);
});

test('hybrid keys (06 even y / 07 odd y) verify like the uncompressed key; the wrong parity does not', () => {
  for (let i = 0; i < 8; i++) {
    const k = sha256(utf8(`hybrid ${i}`));
    const u = publicKeyFromPrivate(k, false);
    const odd = (u[64]! & 1) === 1;
    const hybrid = u.slice();
    hybrid[0] = odd ? 0x07 : 0x06;
    const wrong = u.slice();
    wrong[0] = odd ? 0x06 : 0x07;
    const sig = ecdsaSign(msg, k);
    assert.equal(isValidPubkey(hybrid), true);
    assert.equal(ecdsaVerifyLax(sig, hybrid, msg), true);
    assert.equal(isValidPubkey(wrong), false);
    assert.equal(ecdsaVerifyLax(sig, wrong, msg), false);
    assert.deepEqual(normalizePubkey(hybrid), publicKeyFromPrivate(k, true));
    assert.deepEqual(normalizePubkey(hybrid, false), u);
  }
});

test('isValidPubkey follows CPubKey: header byte must match the length, point must be on the curve', () => {
  const c = publicKeyFromPrivate(key, true);
  const u = publicKeyFromPrivate(key, false);
  assert.equal(isValidPubkey(c), true);
  assert.equal(isValidPubkey(u), true);
  const c04 = c.slice();
  c04[0] = 0x04;
  const u02 = u.slice();
  u02[0] = 0x02;
  const offCurve = u.slice();
  offCurve[64]! ^= 1;
  const badX = new Uint8Array(33);
  badX[0] = 0x02;
  badX[32] = 5; // x = 5: 5^3 + 7 = 132 is not a square mod p
  for (const [name, p] of [
    ['33 bytes with 04', c04],
    ['65 bytes with 02', u02],
    ['off the curve', offCurve],
    ['x without a point', badX],
    ['x-only 32 bytes', c.subarray(1)],
    ['empty', new Uint8Array()],
    ['header 05', Uint8Array.of(5, ...u.subarray(1))],
  ] as const) {
    assert.equal(isValidPubkey(p), false, name);
    assert.equal(ecdsaVerifyLax(ecdsaSign(msg, key), p, msg), false, name);
    assert.equal(ecdsaVerifyCompact(ecdsaSignCompact(msg, key), p, msg), false, name);
  }
});

test('verifiers return false (never throw) on wrong sizes, zero and out-of-range values, wrong messages', () => {
  const pub = publicKeyFromPrivate(key);
  const c = ecdsaSignCompact(msg, key);
  const der = encodeDer(c);
  assert.equal(ecdsaVerifyLax(der, pub, sha256(msg)), false);
  assert.equal(ecdsaVerifyLax(der, pub, msg.subarray(0, 31)), false);
  assert.equal(ecdsaVerifyLax(new Uint8Array(), pub, msg), false);
  assert.equal(ecdsaVerifyCompact(c.subarray(0, 63), pub, msg), false);
  assert.equal(ecdsaVerifyCompact(new Uint8Array(64), pub, msg), false);
  const rN = c.slice();
  rN.set(bytes32(N), 0);
  assert.equal(ecdsaVerifyCompact(rN, pub, msg), false);
  const sN = c.slice();
  sN.set(bytes32(N), 32);
  assert.equal(ecdsaVerifyCompact(sN, pub, msg, { requireLowS: false }), false);
  assert.equal(ecdsaVerifyLax(encodeDer(sN), pub, msg), false);
  const notBytes = 'x' as unknown as Uint8Array;
  assert.equal(ecdsaVerifyLax(notBytes, pub, msg), false);
  assert.equal(ecdsaVerifyCompact(c, notBytes, msg), false);
});

test('private keys: range 1..n-1; errors are CRYPTO_BAD_KEY', () => {
  assert.equal(isValidPrivateKey(bytes32(1n)), true);
  assert.equal(isValidPrivateKey(bytes32(N - 1n)), true);
  assert.equal(isValidPrivateKey(bytes32(0n)), false);
  assert.equal(isValidPrivateKey(bytes32(N)), false);
  assert.equal(isValidPrivateKey(new Uint8Array(31).fill(1)), false);
  throwsCode(() => publicKeyFromPrivate(bytes32(0n)), 'CRYPTO_BAD_KEY');
  throwsCode(() => publicKeyFromPrivate(bytes32(N)), 'CRYPTO_BAD_KEY');
  throwsCode(() => ecdsaSign(msg, new Uint8Array(31)), 'CRYPTO_BAD_KEY');
  throwsCode(() => xOnlyPublicKeyFromPrivate(bytes32(0n)), 'CRYPTO_BAD_KEY');
  throwsCode(() => normalizePubkey(new Uint8Array(33)), 'CRYPTO_BAD_KEY');
});

test('signing a message that is not 32 bytes is CRYPTO_BAD_MESSAGE; encodeDer of a non-64-byte value is CRYPTO_BAD_SIGNATURE', () => {
  throwsCode(() => ecdsaSign(new Uint8Array(33), key), 'CRYPTO_BAD_MESSAGE');
  throwsCode(() => ecdsaSignCompact(new Uint8Array(0), key), 'CRYPTO_BAD_MESSAGE');
  throwsCode(() => encodeDer(new Uint8Array(65)), 'CRYPTO_BAD_SIGNATURE');
});

test('publicKeyFromPrivate: key 1 gives the generator point G', () => {
  assert.equal(
    toHex(publicKeyFromPrivate(bytes32(1n))),
    '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
  );
  assert.equal(toHex(publicKeyFromPrivate(bytes32(1n), false)).slice(66), '483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8');
});

test('xOnly takes the x coordinate of 33- and 65-byte keys and rejects other shapes with CRYPTO_BAD_KEY', () => {
  const c = publicKeyFromPrivate(key);
  const u = publicKeyFromPrivate(key, false);
  assert.deepEqual(xOnly(c), c.subarray(1));
  assert.deepEqual(xOnly(u), c.subarray(1));
  assert.deepEqual(xOnlyPublicKeyFromPrivate(key), c.subarray(1));
  throwsCode(() => xOnly(c.subarray(1)), 'CRYPTO_BAD_KEY');
  throwsCode(() => xOnly(Uint8Array.of(4, ...c.subarray(1))), 'CRYPTO_BAD_KEY');
});

test('randomPrivateKey returns distinct valid plain Uint8Array keys', () => {
  const a = randomPrivateKey();
  const b = randomPrivateKey();
  assert.equal(isValidPrivateKey(a), true);
  assert.notDeepEqual(a, b);
  assert.equal(Object.getPrototypeOf(a), Uint8Array.prototype);
});
