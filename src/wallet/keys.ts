/**
 * Wallet keys: a private key with its public key, HASH160, P2PKH address and bookkeeping (label,
 * origin, derivation index), and parsing of keys given to `importKey` (WIF of this chain, or 64 hex
 * digits, taken as a compressed key).
 */
import { addressFromPubkey } from '../crypto/address.ts';
import type { ChainPrefixes } from '../crypto/address.ts';
import { hash160 } from '../crypto/hash.ts';
import { decodeWif, encodeWif } from '../crypto/keys.ts';
import { isValidPrivateKey, publicKeyFromPrivate } from '../crypto/secp256k1.ts';
import { p2pkScript, p2pkhScript } from '../script/builder.ts';
import { fromHex, isHex } from '../util/bytes.ts';
import { err, ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { WalletErrorCode, walletError } from './errors.ts';
import type { WalletError } from './errors.ts';

/** How a key entered the wallet: derived from the seed (for an address or for change) or imported. */
export type KeyOrigin = 'derived' | 'change' | 'imported';

/** A key held by the wallet. */
export interface WalletKey {
  readonly privateKey: Uint8Array;
  /** 33-byte compressed or 65-byte uncompressed, per `compressed`. */
  readonly publicKey: Uint8Array;
  readonly compressed: boolean;
  /** HASH160 of `publicKey`. */
  readonly pubkeyHash: Uint8Array;
  /** P2PKH address on this chain. */
  readonly address: string;
  /** The user's label ('' for none). */
  readonly label: string;
  readonly origin: KeyOrigin;
  /** Derivation index, for derived and change keys. */
  readonly index?: number;
}

/** A wallet key without its private key: what listings carry (safe to serialize). */
export type WalletKeyInfo = Omit<WalletKey, 'privateKey'>;

/** The public part of a key. Example: `publicInfo(key).address`. */
export function publicInfo(key: WalletKey): WalletKeyInfo {
  const { privateKey: _secret, ...info } = key;
  return info;
}

/** The key's P2PKH output script. */
export function keyP2pkhScript(key: Pick<WalletKey, 'pubkeyHash'>): Uint8Array {
  return p2pkhScript(key.pubkeyHash);
}

/** The key's P2PK output script. */
export function keyP2pkScript(key: Pick<WalletKey, 'publicKey'>): Uint8Array {
  return p2pkScript(key.publicKey);
}

/** The key's WIF for a chain (what `dumpprivkey` prints). */
export function keyWif(key: Pick<WalletKey, 'privateKey' | 'compressed'>, prefixes: ChainPrefixes): string {
  return encodeWif(key.privateKey, key.compressed, prefixes);
}

/** Builds a `WalletKey` from a valid private key. Throws `CRYPTO_BAD_KEY` for an invalid one. */
export function makeWalletKey(
  privateKey: Uint8Array,
  compressed: boolean,
  prefixes: ChainPrefixes,
  meta: { label: string; origin: KeyOrigin; index?: number | undefined },
): WalletKey {
  const publicKey = publicKeyFromPrivate(privateKey, compressed);
  const key: WalletKey = {
    privateKey: privateKey.slice(),
    publicKey,
    compressed,
    pubkeyHash: hash160(publicKey),
    address: addressFromPubkey(publicKey, prefixes),
    label: meta.label,
    origin: meta.origin,
    ...(meta.index !== undefined ? { index: meta.index } : {}),
  };
  return key;
}

/** A private key parsed from `importKey` input. */
export interface ParsedImportKey {
  readonly privateKey: Uint8Array;
  readonly compressed: boolean;
}

/**
 * Parses a key to import: a WIF string of this chain (compressed or not), or 64 hex digits (a
 * compressed key, optionally `0x`-prefixed). Fails with `WALLET_BAD_KEY`; a WIF of another chain gets
 * the crypto layer's message naming the expected version byte.
 * Example: `parseImportKey('UvF...', spec.prefixes)`.
 */
export function parseImportKey(input: string, prefixes: ChainPrefixes): Result<ParsedImportKey, WalletError> {
  if (typeof input !== 'string' || input.length === 0) {
    return err(walletError(WalletErrorCode.BAD_KEY, 'a private key is a WIF string or 64 hex digits', { hint: 'pass the key as printed by dumpprivkey or cchost keys new' }));
  }
  const s = input.trim();
  const hex = s.startsWith('0x') || s.startsWith('0X') ? s.slice(2) : s;
  if (hex.length === 64 && isHex(hex)) {
    const k = fromHex(hex);
    if (!isValidPrivateKey(k)) {
      return err(walletError(WalletErrorCode.BAD_KEY, 'the hex private key is zero or not below the secp256k1 curve order', { reason: 'key' }));
    }
    return ok({ privateKey: k, compressed: true });
  }
  const w = decodeWif(s, prefixes);
  if (w.ok) return ok({ privateKey: w.value.privateKey, compressed: w.value.compressed });
  const reason = typeof w.error['reason'] === 'string' ? w.error['reason'] : undefined;
  return err(
    walletError(WalletErrorCode.BAD_KEY, `not a private key: ${w.error.message}`, {
      reason,
      hint: 'give a WIF key of this chain, or the 32-byte private key as 64 hex digits',
    }),
  );
}
