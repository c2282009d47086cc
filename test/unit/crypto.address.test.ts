import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PREFIXES, addressFromPubkey, decodeAddress, encodeAddress } from '../../src/crypto/address.ts';
import { decodeWif, encodeWif, generateKeyPair } from '../../src/crypto/keys.ts';
import { base58CheckDecode, base58CheckEncode, base58Decode, base58Encode } from '../../src/crypto/base58.ts';
import { hash160, sha256 } from '../../src/crypto/hash.ts';
import { publicKeyFromPrivate, isValidPrivateKey } from '../../src/crypto/secp256k1.ts';
import { CchostError } from '../../src/util/errors.ts';
import { utf8 } from '../../src/util/bytes.ts';

const key = sha256(utf8('cchost address key'));
const pub = publicKeyFromPrivate(key);

function code(r: { ok: boolean; error?: { code: string } }): string | undefined {
  return r.ok ? undefined : r.error?.code;
}
function throwsCode(fn: () => unknown, c: string): void {
  assert.throws(fn, (e: unknown) => e instanceof CchostError && e.code === c);
}

test('default prefixes: P2PKH addresses start with R, P2SH with b, compressed WIF with U', () => {
  const addr = addressFromPubkey(pub);
  assert.match(addr, /^R/);
  assert.match(encodeAddress('scripthash', hash160(utf8('script'))), /^b/);
  assert.match(encodeWif(key), /^U/);
  assert.deepEqual(DEFAULT_PREFIXES, { pubKeyHash: 0x3c, scriptHash: 0x55, wif: 0xbc });
});

test('address round trip: encode then decode gives the kind and hash back', () => {
  for (const kind of ['pubkeyhash', 'scripthash'] as const) {
    const h = hash160(utf8(kind));
    const d = decodeAddress(encodeAddress(kind, h));
    assert.ok(d.ok);
    assert.equal(d.value.kind, kind);
    assert.deepEqual(d.value.hash, h);
  }
  const d = decodeAddress(addressFromPubkey(pub));
  assert.ok(d.ok);
  assert.deepEqual(d.value.hash, hash160(pub));
});

test('WIF round trip, compressed and uncompressed; generateKeyPair is consistent', () => {
  for (const compressed of [true, false]) {
    const d = decodeWif(encodeWif(key, compressed));
    assert.ok(d.ok);
    assert.deepEqual(d.value, { privateKey: key, compressed });
  }
  const kp = generateKeyPair();
  assert.equal(isValidPrivateKey(kp.privateKey), true);
  assert.deepEqual(kp.publicKey, publicKeyFromPrivate(kp.privateKey));
  assert.equal(kp.address, addressFromPubkey(kp.publicKey));
  const w = decodeWif(kp.wif);
  assert.ok(w.ok);
  assert.deepEqual(w.value.privateKey, kp.privateKey);
});

test('decodeAddress errors say what is wrong: checksum, base58, length, foreign prefix with the expected ones', () => {
  const addr = addressFromPubkey(pub);
  const last = addr[addr.length - 1] === '2' ? '3' : '2';
  const typo = decodeAddress(addr.slice(0, -1) + last);
  assert.ok(!typo.ok);
  assert.equal(typo.error.code, 'CRYPTO_BAD_ADDRESS');
  assert.equal(typo.error['reason'], 'checksum');
  assert.match(typo.error.message, /checksum/);

  const bad = decodeAddress(addr.slice(0, 5) + '0' + addr.slice(6));
  assert.ok(!bad.ok);
  assert.equal(bad.error['reason'], 'base58');
  assert.match(bad.error.message, /"0" at position 5/);

  const short = decodeAddress(base58CheckEncode(Uint8Array.of(0x3c, 1, 2, 3)));
  assert.ok(!short.ok);
  assert.equal(short.error['reason'], 'length');
  assert.match(short.error.message, /4 bytes, expected 21/);

  const bitcoin = decodeAddress('1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo');
  assert.ok(!bitcoin.ok);
  assert.equal(bitcoin.error.code, 'CRYPTO_BAD_ADDRESS');
  assert.equal(bitcoin.error['reason'], 'prefix');
  assert.match(bitcoin.error.message, /0x00 .*expected 0x3c \("R\.\.\."\).*0x55/);
});

test('decodeWif errors carry CRYPTO_BAD_WIF with a reason for each problem', () => {
  const wif = encodeWif(key);
  const cases: [string, string][] = [
    [wif.slice(0, -1) + (wif.endsWith('2') ? '3' : '2'), 'checksum'],
    ['U0' + wif.slice(2), 'base58'],
    [base58CheckEncode(Uint8Array.of(0xbc, ...key.subarray(0, 20))), 'length'],
    [encodeWif(key, true, { ...DEFAULT_PREFIXES, wif: 0x80 }), 'prefix'],
    [base58CheckEncode(Uint8Array.of(0xbc, ...key, 0x02)), 'flag'],
    [base58CheckEncode(Uint8Array.of(0xbc, ...new Uint8Array(32), 0x01)), 'key'],
  ];
  for (const [s, reason] of cases) {
    const r = decodeWif(s);
    assert.ok(!r.ok, reason);
    assert.equal(r.error.code, 'CRYPTO_BAD_WIF', reason);
    assert.equal(r.error['reason'], reason);
  }
});

test('Base58 and Base58Check errors: CRYPTO_BAD_BASE58 and CRYPTO_BAD_CHECKSUM', () => {
  for (const s of ['0', 'O', 'I', 'l', ' 2g', '2g ', 'é', '+']) {
    assert.equal(code(base58Decode(s)), 'CRYPTO_BAD_BASE58', JSON.stringify(s));
  }
  assert.equal(code(base58CheckDecode('111')), 'CRYPTO_BAD_CHECKSUM');
  assert.equal(code(base58CheckDecode('')), 'CRYPTO_BAD_CHECKSUM');
  assert.equal(code(base58CheckDecode(base58Encode(utf8('hello world')))), 'CRYPTO_BAD_CHECKSUM');
  assert.equal(code(base58CheckDecode('0abc')), 'CRYPTO_BAD_BASE58');
  assert.equal(code(base58Decode(42 as unknown as string)), 'CRYPTO_BAD_BASE58');
});

test('encoders throw typed errors: wrong hash size (CRYPTO_BAD_ADDRESS), bad prefix (CRYPTO_BAD_ARGUMENT), bad key (CRYPTO_BAD_KEY)', () => {
  throwsCode(() => encodeAddress('pubkeyhash', new Uint8Array(32)), 'CRYPTO_BAD_ADDRESS');
  throwsCode(() => encodeAddress('witness' as 'pubkeyhash', new Uint8Array(20)), 'CRYPTO_BAD_ADDRESS');
  throwsCode(() => encodeAddress('pubkeyhash', new Uint8Array(20), { ...DEFAULT_PREFIXES, pubKeyHash: 256 }), 'CRYPTO_BAD_ARGUMENT');
  throwsCode(() => encodeWif(key, true, { ...DEFAULT_PREFIXES, wif: -1 }), 'CRYPTO_BAD_ARGUMENT');
  throwsCode(() => encodeWif(new Uint8Array(32)), 'CRYPTO_BAD_KEY');
  throwsCode(() => addressFromPubkey(new Uint8Array(20)), 'CRYPTO_BAD_KEY');
});
