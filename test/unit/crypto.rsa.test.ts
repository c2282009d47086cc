import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, constants } from 'node:crypto';
import { rsaModulus, rsaPssSha256Sign, rsaPssSha256Verify } from '../../src/crypto/rsa.ts';
import { CchostError } from '../../src/util/errors.ts';
import { fromHex, utf8 } from '../../src/util/bytes.ts';
import { readVectorJson } from '../helpers/vectors.ts';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 65537 });
const modulus = rsaModulus(privateKey);
const msg = utf8('aaa');

test('crypto-conditions rsa-sha-256 vectors (2048 and 4096 bits) verify with salt 32', () => {
  for (const f of [
    'crypto-conditions/valid/0003_test-minimal-rsa.json',
    'crypto-conditions/valid/0013_test-basic-rsa.json',
    'crypto-conditions/valid/0014_test-basic-rsa4096.json',
  ]) {
    const v = readVectorJson<{ json: { modulus: string; signature: string }; message: string }>(f);
    const n = new Uint8Array(Buffer.from(v.json.modulus, 'base64url'));
    const sig = new Uint8Array(Buffer.from(v.json.signature, 'base64url'));
    assert.equal(rsaPssSha256Verify(n, sig, fromHex(v.message)), true, f);
    assert.equal(rsaPssSha256Verify(n, sig, utf8('other')), false, f);
  }
});

test('sign/verify round trip; a salt-20 signature is rejected', () => {
  assert.equal(modulus.length, 128);
  const sig = rsaPssSha256Sign(privateKey, msg);
  assert.equal(rsaPssSha256Verify(modulus, sig, msg), true);
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  assert.equal(rsaPssSha256Verify(modulus, rsaPssSha256Sign(pem, msg), msg), true);
  const salt20 = sign('sha256', msg, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 20 });
  assert.equal(rsaPssSha256Verify(modulus, new Uint8Array(salt20), msg), false);
});

test('rsaPssSha256Verify returns false (never throws) on malformed input', () => {
  const sig = rsaPssSha256Sign(privateKey, msg);
  assert.equal(rsaPssSha256Verify(modulus, sig.subarray(1), msg), false);
  assert.equal(rsaPssSha256Verify(Uint8Array.of(0, ...modulus.subarray(1)), sig, msg), false);
  assert.equal(rsaPssSha256Verify(new Uint8Array(), new Uint8Array(), msg), false);
  assert.equal(rsaPssSha256Verify(new Uint8Array(128).fill(0xff), sig, msg), false);
  assert.equal(rsaPssSha256Verify(modulus, new Uint8Array(128), msg), false);
  assert.equal(rsaPssSha256Verify(modulus, sig, 'x' as unknown as Uint8Array), false);
});

test('RSA helpers report an unusable key as CRYPTO_BAD_KEY', () => {
  const isBadKey = (e: unknown) => e instanceof CchostError && e.code === 'CRYPTO_BAD_KEY';
  assert.throws(() => rsaPssSha256Sign('not a pem', msg), isBadKey);
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  assert.throws(() => rsaModulus(ec.publicKey), isBadKey);
});
