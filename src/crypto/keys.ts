/**
 * Private keys in Wallet Import Format (Base58Check of `wif prefix ‖ key ‖ [0x01 if compressed]`) and
 * key-pair generation.
 */
import { err, ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { base58CheckDecode, base58CheckEncode } from './base58.ts';
import { CryptoErrorCode, cryptoFail } from './errors.ts';
import { DEFAULT_PREFIXES, addressFromPubkey } from './address.ts';
import type { ChainPrefixes } from './address.ts';
import { isValidPrivateKey, publicKeyFromPrivate, randomPrivateKey } from './secp256k1.ts';

/** A decoded WIF key. */
export interface DecodedWif {
  privateKey: Uint8Array;
  /** Whether the key's public key (and so its address) uses the 33-byte compressed form. */
  compressed: boolean;
}

/** A fresh key with its public key, WIF and P2PKH address. */
export interface KeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  wif: string;
  address: string;
}

/** WIF string of a private key. Throws `CRYPTO_BAD_KEY` for an invalid key. */
export function encodeWif(privateKey: Uint8Array, compressed = true, prefixes: ChainPrefixes = DEFAULT_PREFIXES): string {
  if (!isValidPrivateKey(privateKey)) {
    cryptoFail(CryptoErrorCode.BAD_KEY, 'a private key is 32 bytes in 1..n-1');
  }
  const v = prefixes.wif;
  if (!Number.isInteger(v) || v < 0 || v > 255) {
    cryptoFail(CryptoErrorCode.BAD_ARGUMENT, `chain prefix wif must be an integer 0..255, got ${String(v)}`);
  }
  const payload = new Uint8Array(compressed ? 34 : 33);
  payload[0] = v;
  payload.set(privateKey, 1);
  if (compressed) payload[33] = 0x01;
  return base58CheckEncode(payload);
}

function badWif(message: string, reason: string, extra: Record<string, unknown> = {}): Result<DecodedWif> {
  return err({ code: CryptoErrorCode.BAD_WIF, message, reason, ...extra });
}

/**
 * Decodes a WIF private key for a chain. Fails with `CRYPTO_BAD_WIF` and a `reason` of
 * `'base58' | 'checksum' | 'length' | 'prefix' | 'flag' | 'key'`.
 */
export function decodeWif(s: string, prefixes: ChainPrefixes = DEFAULT_PREFIXES): Result<DecodedWif> {
  const r = base58CheckDecode(s);
  if (!r.ok) {
    return badWif(`invalid WIF key: ${r.error.message}`, r.error.code === CryptoErrorCode.BAD_BASE58 ? 'base58' : 'checksum');
  }
  const p = r.value;
  if (p.length !== 33 && p.length !== 34) {
    return badWif(`invalid WIF key: payload is ${p.length} bytes, expected 33 (uncompressed) or 34 (compressed)`, 'length');
  }
  if (p[0] !== prefixes.wif) {
    const hex = (x: number) => `0x${x.toString(16).padStart(2, '0')}`;
    return badWif(
      `WIF version byte ${hex(p[0]!)} is not this chain's: expected ${hex(prefixes.wif)}; the key belongs to another chain`,
      'prefix',
      { version: p[0] },
    );
  }
  if (p.length === 34 && p[33] !== 0x01) {
    return badWif(`invalid WIF key: compression flag is 0x${p[33]!.toString(16)}, expected 0x01`, 'flag');
  }
  const privateKey = p.slice(1, 33);
  if (!isValidPrivateKey(privateKey)) {
    return badWif('invalid WIF key: the private key is zero or not below the curve order', 'key');
  }
  return ok({ privateKey, compressed: p.length === 34 });
}

/** A new random key pair (compressed public key) with its WIF and P2PKH address for the chain. */
export function generateKeyPair(prefixes: ChainPrefixes = DEFAULT_PREFIXES): KeyPair {
  const privateKey = randomPrivateKey();
  const publicKey = publicKeyFromPrivate(privateKey, true);
  return {
    privateKey,
    publicKey,
    wif: encodeWif(privateKey, true, prefixes),
    address: addressFromPubkey(publicKey, prefixes),
  };
}
