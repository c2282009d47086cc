import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256, hash160, hash256, ripemd160, taggedHash } from '../../src/crypto/hash.ts';
import { toHex, utf8 } from '../../src/util/bytes.ts';

test('sha256 / ripemd160 / hash160 / hash256 known answers', () => {
  assert.equal(toHex(sha256(utf8('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(toHex(ripemd160(utf8('abc'))), '8eb208f7e05d987a9b044a8e98c6b087f15a0bfc');
  assert.equal(toHex(hash256(new Uint8Array())), '5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456');
  assert.equal(toHex(hash160(new Uint8Array())), 'b472a266d0bd89c13706a4132ccfb16f7c3b9fcb');
});

test('taggedHash matches SHA256(SHA256(tag)||SHA256(tag)||msg)', () => {
  const t = sha256(utf8('BIP0340/challenge'));
  const expected = sha256(new Uint8Array([...t, ...t, 1, 2, 3]));
  assert.deepEqual(taggedHash('BIP0340/challenge', new Uint8Array([1, 2, 3])), expected);
});
