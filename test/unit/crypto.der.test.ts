import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ecdsaSignCompact, ecdsaVerifyLax, encodeDer, parseDerLax, publicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { concatBytes, fromHex, toHex, utf8 } from '../../src/util/bytes.ts';

const key = sha256(utf8('cchost der test key'));
const pub = publicKeyFromPrivate(key);
const msg = sha256(utf8('message'));
const compact = ecdsaSignCompact(msg, key);
const r = compact.subarray(0, 32);
const s = compact.subarray(32, 64);
const N_HEX = 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141';

/** A DER INTEGER with explicit tag/length bytes: `int([0x02, 0x20], r)`. */
function int(header: number[], value: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.from(header), value);
}
/** A SEQUENCE around parts, with the given length header (may be wrong or long-form on purpose). */
function seq(header: number[], ...parts: Uint8Array[]): Uint8Array {
  return concatBytes(Uint8Array.of(0x30), Uint8Array.from(header), ...parts);
}
function minimalInt(v: Uint8Array): Uint8Array {
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  const body = v[i]! & 0x80 ? concatBytes(Uint8Array.of(0), v.subarray(i)) : v.subarray(i);
  return int([0x02, body.length], body);
}
const rInt = minimalInt(r);
const sInt = minimalInt(s);
const strict = seq([rInt.length + sInt.length], rInt, sInt);

test('encodeDer produces strict DER that lax parsing reads back and that verifies', () => {
  assert.deepEqual(encodeDer(compact), strict);
  const p = parseDerLax(strict);
  assert.ok(p);
  assert.deepEqual(concatBytes(p.r, p.s), compact);
  assert.equal(ecdsaVerifyLax(strict, pub, msg), true);
});

test('encodeDer of small values: zero is 02 01 00, a high bit gets a 00 pad', () => {
  const sig = new Uint8Array(64);
  sig[31] = 0x80;
  assert.equal(toHex(encodeDer(sig)), '3007020200800201' + '00');
});

test('lax: excess zero padding in R and S is accepted', () => {
  const padded = (v: Uint8Array) => int([0x02, 35], concatBytes(new Uint8Array(3), v));
  const sig = seq([70], padded(r), padded(s));
  assert.deepEqual(parseDerLax(sig), { r: r.slice(), s: s.slice() });
  assert.equal(ecdsaVerifyLax(sig, pub, msg), true);
});

test('lax: long-form lengths (sequence and integers, with zero-padded length bytes) are accepted', () => {
  const sig = seq([0x82, 0x00, 0x48], int([0x02, 0x81, 32], r), int([0x02, 0x84, 0, 0, 0, 32], s));
  assert.equal(ecdsaVerifyLax(sig, pub, msg), true);
  // 0x80 alone: long form with no length bytes means a zero-length integer (r = 0), which fails.
  const zeroLen = seq([6], int([0x02, 0x80], new Uint8Array()), int([0x02, 32], s));
  assert.deepEqual(parseDerLax(zeroLen)?.r, new Uint8Array(32));
  assert.equal(ecdsaVerifyLax(zeroLen, pub, msg), false);
});

test('lax: an integer length with 4 or more significant length bytes is malformed', () => {
  const sig = seq([0x44], int([0x02, 0x84, 0x01, 0, 0, 0], r), int([0x02, 32], s));
  assert.equal(parseDerLax(sig), null);
  assert.equal(ecdsaVerifyLax(sig, pub, msg), false);
});

test('lax: the sequence length is ignored, as are bytes after S (e.g. a hash-type byte)', () => {
  assert.equal(ecdsaVerifyLax(seq([0x00], rInt, sInt), pub, msg), true);
  assert.equal(ecdsaVerifyLax(seq([0x7f], rInt, sInt), pub, msg), true);
  assert.equal(ecdsaVerifyLax(concatBytes(strict, Uint8Array.of(0x01, 0xff)), pub, msg), true);
});

test('lax: integers are unsigned (a missing 00 pad before a high bit is fine)', () => {
  // Find a signature whose r has its top bit set, so strict DER would need a 00 pad.
  for (let i = 0; ; i++) {
    const m = sha256(utf8(`unsigned ${i}`));
    const c = ecdsaSignCompact(m, key);
    if ((c[0]! & 0x80) === 0) continue;
    const raw = seq([68], int([0x02, 32], c.subarray(0, 32)), int([0x02, 32], c.subarray(32)));
    assert.equal(ecdsaVerifyLax(raw, pub, m), true);
    break;
  }
});

test('lax: R or S longer than 32 significant bytes overflows → null / false', () => {
  const big = concatBytes(Uint8Array.of(0x01), r);
  const sig = seq([69], int([0x02, 33], big), int([0x02, 32], s));
  assert.equal(parseDerLax(sig), null);
  assert.equal(ecdsaVerifyLax(sig, pub, msg), false);
  const sigS = seq([69], int([0x02, 32], r), int([0x02, 33], concatBytes(Uint8Array.of(0x01), s)));
  assert.equal(ecdsaVerifyLax(sigS, pub, msg), false);
});

test('lax: r or s ≥ n parses (32 bytes) but never verifies', () => {
  const n = fromHex(N_HEX);
  const sig = seq([68], int([0x02, 32], n), int([0x02, 32], s));
  assert.deepEqual(parseDerLax(sig)?.r, n);
  assert.equal(ecdsaVerifyLax(sig, pub, msg), false);
  // s + n would reduce to s mod n; Core does not reduce, it rejects.
  const sPlusN = fromHex((BigInt('0x' + toHex(s)) + BigInt('0x' + N_HEX)).toString(16).padStart(66, '0'));
  const sig2 = seq([69], int([0x02, 32], r), int([0x02, 33], sPlusN));
  assert.equal(ecdsaVerifyLax(sig2, pub, msg), false);
});

test('lax: broken structure → null (missing tags, lengths past the end, empty input)', () => {
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array()],
    ['only 30', Uint8Array.of(0x30)],
    ['wrong sequence tag', concatBytes(Uint8Array.of(0x31, 68), rInt, sInt)],
    ['wrong r tag', seq([68], int([0x03, 32], r), sInt)],
    ['no s', seq([34], rInt)],
    ['r length past end', seq([68], int([0x02, 0x7f], r))],
    ['s length past end', seq([68], rInt, int([0x02, 33], s))],
    ['sequence long form past end', Uint8Array.of(0x30, 0x85, 0, 0)],
    ['int long form count past end', Uint8Array.of(0x30, 0x04, 0x02, 0x85, 0, 0)],
    ['truncated before r length', Uint8Array.of(0x30, 0x04, 0x02)],
  ];
  for (const [name, sig] of cases) {
    assert.equal(parseDerLax(sig), null, name);
    assert.equal(ecdsaVerifyLax(sig, pub, msg), false, name);
  }
});

test('lax parser never throws on random bytes', () => {
  let seed = 1;
  for (let i = 0; i < 2000; i++) {
    const len = i % 80;
    const b = new Uint8Array(len);
    for (let j = 0; j < len; j++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      b[j] = seed & 0xff;
    }
    if (len > 0 && i % 2 === 0) b[0] = 0x30;
    if (len > 2 && i % 4 === 0) b[2] = 0x02;
    parseDerLax(b);
    assert.equal(ecdsaVerifyLax(b, pub, msg), false);
  }
});
