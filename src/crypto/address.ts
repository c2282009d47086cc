/**
 * Base58Check addresses with per-chain version bytes. The default prefixes are Komodo's (and so the
 * default asset chain's): pay-to-pubkey-hash 0x3c ("R..." addresses), pay-to-script-hash 0x55, WIF 0xbc.
 */
import { err, ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { hash160 } from './hash.ts';
import { base58CheckDecode, base58CheckEncode } from './base58.ts';
import { CryptoErrorCode, cryptoFail } from './errors.ts';
import { describeLen } from './der.ts';

/** The one-byte version prefixes of a chain's Base58Check strings. */
export interface ChainPrefixes {
  /** Version byte of pay-to-pubkey-hash addresses. */
  pubKeyHash: number;
  /** Version byte of pay-to-script-hash addresses. */
  scriptHash: number;
  /** Version byte of WIF private keys. */
  wif: number;
}

/** Komodo-style prefixes: P2PKH 0x3c ("R..."), P2SH 0x55, WIF 0xbc. */
export const DEFAULT_PREFIXES: Readonly<ChainPrefixes> = Object.freeze({ pubKeyHash: 0x3c, scriptHash: 0x55, wif: 0xbc });

/** The kinds of Base58Check address. */
export type AddressKind = 'pubkeyhash' | 'scripthash';

/** A decoded address: its kind and the 20-byte HASH160 it pays to. */
export interface DecodedAddress {
  kind: AddressKind;
  hash: Uint8Array;
}

function checkPrefix(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 255) {
    cryptoFail(CryptoErrorCode.BAD_ARGUMENT, `chain prefix ${name} must be an integer 0..255, got ${String(v)}`);
  }
  return v;
}

/**
 * The Base58Check address of a 20-byte hash. Example: `encodeAddress('pubkeyhash', hash160(pubkey))`
 * starts with 'R' under the default prefixes. Throws `CRYPTO_BAD_ADDRESS` unless `hash160` is 20 bytes.
 */
export function encodeAddress(kind: AddressKind, hash160Bytes: Uint8Array, prefixes: ChainPrefixes = DEFAULT_PREFIXES): string {
  if (!(hash160Bytes instanceof Uint8Array) || hash160Bytes.length !== 20) {
    cryptoFail(CryptoErrorCode.BAD_ADDRESS, `an address hash is 20 bytes (HASH160), got ${describeLen(hash160Bytes)}`);
  }
  let version: number;
  if (kind === 'pubkeyhash') version = checkPrefix('pubKeyHash', prefixes.pubKeyHash);
  else if (kind === 'scripthash') version = checkPrefix('scriptHash', prefixes.scriptHash);
  else return cryptoFail(CryptoErrorCode.BAD_ADDRESS, `unknown address kind ${JSON.stringify(kind)}: use 'pubkeyhash' or 'scripthash'`);
  const payload = new Uint8Array(21);
  payload[0] = version;
  payload.set(hash160Bytes, 1);
  return base58CheckEncode(payload);
}

/** The P2PKH address of a public key (HASH160 of its bytes as given, compressed or not). */
export function addressFromPubkey(pubkey: Uint8Array, prefixes: ChainPrefixes = DEFAULT_PREFIXES): string {
  if (!(pubkey instanceof Uint8Array) || (pubkey.length !== 33 && pubkey.length !== 65)) {
    cryptoFail(CryptoErrorCode.BAD_KEY, `a public key is 33 or 65 bytes, got ${describeLen(pubkey)}`);
  }
  return encodeAddress('pubkeyhash', hash160(pubkey), prefixes);
}

function describePrefix(v: number): string {
  const example = base58CheckEncode(Uint8Array.of(v, ...new Uint8Array(20)));
  return `0x${v.toString(16).padStart(2, '0')} ("${example[0]}...")`;
}

/**
 * Decodes a Base58Check address for a chain. Fails with `CRYPTO_BAD_ADDRESS` and a `reason` of
 * `'base58' | 'checksum' | 'length' | 'prefix'`; the message names the problem and, for a foreign
 * version byte, the prefixes this chain expects.
 */
export function decodeAddress(addr: string, prefixes: ChainPrefixes = DEFAULT_PREFIXES): Result<DecodedAddress> {
  const r = base58CheckDecode(addr);
  if (!r.ok) {
    const reason = r.error.code === CryptoErrorCode.BAD_BASE58 ? 'base58' : 'checksum';
    return err({ code: CryptoErrorCode.BAD_ADDRESS, message: `invalid address: ${r.error.message}`, reason });
  }
  const p = r.value;
  if (p.length !== 21) {
    return err({
      code: CryptoErrorCode.BAD_ADDRESS,
      message: `invalid address: payload is ${p.length} bytes, expected 21 (1 version byte + 20-byte hash)`,
      reason: 'length',
    });
  }
  const v = p[0]!;
  const hash = p.slice(1);
  if (v === prefixes.pubKeyHash) return ok({ kind: 'pubkeyhash', hash });
  if (v === prefixes.scriptHash) return ok({ kind: 'scripthash', hash });
  return err({
    code: CryptoErrorCode.BAD_ADDRESS,
    message:
      `address version byte 0x${v.toString(16).padStart(2, '0')} is not used by this chain: expected ` +
      `${describePrefix(prefixes.pubKeyHash)} for pay-to-pubkey-hash or ${describePrefix(prefixes.scriptHash)} ` +
      `for pay-to-script-hash; the address belongs to another chain`,
    reason: 'prefix',
    version: v,
  });
}
