/**
 * CC addresses (CC.md B9.1): Base58Check(`chain.pubKeyHash` ‖ HASH160(L ‖ C ‖ CC)), Komodo-compatible.
 * The tail is excluded, so every output of one condition shares one address. The same string could
 * also be a P2PKH address, so indexes keep a separate kind `cc` for it.
 */
import type { CCNode } from '../conditions/index.ts';
import { base58CheckEncode } from '../../crypto/base58.ts';
import { hash160 } from '../../crypto/hash.ts';
import { matchCcTemplate } from '../../script/cc.ts';
import { CchostError } from '../../util/errors.ts';
import { CcHostErrorCode } from '../host/errors.ts';
import { ccSubScript } from './script.ts';

/** The version byte a CC address uses: the chain's P2PKH prefix. */
export interface AddressPrefixes {
  readonly pubKeyHash: number;
}

/** Komodo's prefix 60 (0x3c, "R…"), the default asset-chain prefix. */
export const KOMODO_PREFIXES: AddressPrefixes = Object.freeze({ pubKeyHash: 60 });

function encode(prefix: number, hash20: Uint8Array): string {
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 255) {
    throw new CchostError(CcHostErrorCode.ARG, `B9.1: pubKeyHash prefix must be 0..255, got ${String(prefix)}`);
  }
  const payload = new Uint8Array(21);
  payload[0] = prefix;
  payload.set(hash20, 1);
  return base58CheckEncode(payload);
}

/** HASH160 of the CC sub-script of a condition (bytes or tree): what a CC address encodes and indexes key on. */
export function ccAddressHash(condition: Uint8Array | CCNode): Uint8Array {
  return hash160(ccSubScript(condition));
}

/**
 * The CC address of a condition (bytes or tree). Example: the Faucet global condition of B2 with
 * prefix 60 gives `R9zHrofhRbub7ER77B7NrVch3A63R39GuC`. Throws CC_ARG for a condition over 75 bytes.
 */
export function ccAddress(condition: Uint8Array | CCNode, prefixes: AddressPrefixes = KOMODO_PREFIXES): string {
  return encode(prefixes.pubKeyHash, ccAddressHash(condition));
}

/** The CC address of a CC output script (its tail ignored), or undefined when the script is not a CC template. */
export function ccAddressOfScript(script: Uint8Array, prefixes: AddressPrefixes = KOMODO_PREFIXES): string | undefined {
  const t = matchCcTemplate(script);
  return t === null ? undefined : encode(prefixes.pubKeyHash, hash160(t.subScript));
}

/**
 * The normal (P2PKH) address of a public key under a chain's prefix, as `<m>address` reports a
 * module's `global_normal_address`. Example: the Assets global key gives `RFYE2yL3KknWdHK6uNhvWacYsCUtwzjY3u`.
 */
export function pubkeyAddress(pubkey: Uint8Array, prefixes: AddressPrefixes = KOMODO_PREFIXES): string {
  if (!(pubkey instanceof Uint8Array) || (pubkey.length !== 33 && pubkey.length !== 65)) {
    throw new CchostError(CcHostErrorCode.ARG, 'B9.1: a public key is 33 or 65 bytes');
  }
  return encode(prefixes.pubKeyHash, hash160(pubkey));
}
