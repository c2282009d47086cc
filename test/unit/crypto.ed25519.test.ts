import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from '../../src/crypto/ed25519.ts';
import { CchostError } from '../../src/util/errors.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { readVectorJson } from '../helpers/vectors.ts';

// RFC 8032 §7.1, tests 1 and 2.
const RFC = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    msg: '',
    sig:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    pub: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    msg: '72',
    sig:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

test('RFC 8032 vectors: public key, deterministic signature, verification', () => {
  for (const v of RFC) {
    assert.equal(toHex(ed25519PublicKey(fromHex(v.seed))), v.pub);
    assert.equal(toHex(ed25519Sign(fromHex(v.msg), fromHex(v.seed))), v.sig);
    assert.equal(ed25519Verify(fromHex(v.sig), fromHex(v.pub), fromHex(v.msg)), true);
    assert.equal(ed25519Verify(fromHex(v.sig), fromHex(v.pub), Uint8Array.of(1)), false);
  }
});

test('crypto-conditions ed25519 vectors verify over their messages', () => {
  for (const f of ['crypto-conditions/valid/0004_test-minimal-ed25519.json', 'crypto-conditions/valid/0015_test-basic-ed25519.json']) {
    const v = readVectorJson<{ json: { publicKey: string; signature: string }; message: string }>(f);
    const pub = new Uint8Array(Buffer.from(v.json.publicKey, 'base64url'));
    const sig = new Uint8Array(Buffer.from(v.json.signature, 'base64url'));
    assert.equal(ed25519Verify(sig, pub, fromHex(v.message)), true, f);
  }
});

test('ed25519Verify returns false (never throws) on bad sizes, tampering and non-canonical S', () => {
  const v = RFC[1]!;
  const sig = fromHex(v.sig);
  const pub = fromHex(v.pub);
  const msg = fromHex(v.msg);
  assert.equal(ed25519Verify(sig.subarray(0, 63), pub, msg), false);
  assert.equal(ed25519Verify(sig, pub.subarray(0, 31), msg), false);
  const flipped = sig.slice();
  flipped[0]! ^= 1;
  assert.equal(ed25519Verify(flipped, pub, msg), false);
  // S + L (the group order) is the same scalar but not canonical: RFC 8032 requires S < L.
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  let s = 0n;
  for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
  let sl = s + L;
  const nonCanon = sig.slice();
  for (let i = 0; i < 32; i++) {
    nonCanon[32 + i] = Number(sl & 0xffn);
    sl >>= 8n;
  }
  assert.equal(ed25519Verify(nonCanon, pub, msg), false);
  assert.equal(ed25519Verify(sig, new Uint8Array(32).fill(0xff), msg), false);
  assert.equal(ed25519Verify(sig, pub, 'x' as unknown as Uint8Array), false);
});

test('ed25519 signing with a seed that is not 32 bytes is CRYPTO_BAD_KEY', () => {
  const isBadKey = (e: unknown) => e instanceof CchostError && e.code === 'CRYPTO_BAD_KEY';
  assert.throws(() => ed25519Sign(new Uint8Array(), new Uint8Array(31)), isBadKey);
  assert.throws(() => ed25519PublicKey(new Uint8Array(33)), isBadKey);
});
