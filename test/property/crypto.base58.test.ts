import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { base58CheckDecode, base58CheckEncode, base58Decode, base58Encode } from '../../src/crypto/base58.ts';
import { decodeAddress } from '../../src/crypto/address.ts';
import { decodeWif } from '../../src/crypto/keys.ts';

const runs = Number(process.env['CCHOST_FUZZ_RUNS'] ?? 300);
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const base58ish = fc
  .array(fc.constantFrom(...ALPHABET.split(''), '0', 'l', ' '), { maxLength: 60 })
  .map((cs) => cs.join(''));

test('property: base58CheckDecode(base58CheckEncode(b)) is b', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
      const r = base58CheckDecode(base58CheckEncode(b));
      assert.ok(r.ok);
      assert.deepEqual(r.value, b);
    }),
    { numRuns: runs },
  );
});

test('property: base58Decode(base58Encode(b)) is b, and every encoding uses only the alphabet', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
      const s = base58Encode(b);
      assert.match(s, /^[1-9A-HJ-NP-Za-km-z]*$/);
      const r = base58Decode(s);
      assert.ok(r.ok);
      assert.deepEqual(r.value, b);
    }),
    { numRuns: runs },
  );
});

test('property: decoders never throw on arbitrary strings (Result only)', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ unit: 'binary-ascii', maxLength: 80 }), base58ish), (s) => {
      for (const r of [base58Decode(s), base58CheckDecode(s), decodeAddress(s), decodeWif(s)]) {
        assert.equal(typeof r.ok, 'boolean');
        if (!r.ok) assert.match(r.error.code, /^CRYPTO_BAD_/);
      }
    }),
    { numRuns: runs },
  );
});
