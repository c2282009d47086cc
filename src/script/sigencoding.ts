/**
 * Encoding rules the interpreter applies to signatures and public keys before verifying them
 * (Core's `CheckSignatureEncoding` / `CheckPubKeyEncoding`). Signatures here include the trailing
 * sighash-type byte, as they appear on the stack.
 */
import type { ScriptErrorName } from './errors.ts';
import {
  SCRIPT_VERIFY_DERSIG,
  SCRIPT_VERIFY_LOW_S,
  SCRIPT_VERIFY_STRICTENC,
} from './flags.ts';

/** Sign all outputs. */
export const SIGHASH_ALL = 1;
/** Sign no outputs. */
export const SIGHASH_NONE = 2;
/** Sign the output with the same index as the input. */
export const SIGHASH_SINGLE = 3;
/** Modifier: sign only this input. */
export const SIGHASH_ANYONECANPAY = 0x80;

/**
 * BIP66 strict DER with a trailing hash-type byte: `30 len 02 lenR R 02 lenS S hashtype`, 9..73 bytes,
 * minimal positive integers. Example: a signature from `ecdsaSign` plus `01` passes.
 */
export function isValidSignatureEncoding(sig: Uint8Array): boolean {
  const n = sig.length;
  if (n < 9 || n > 73) return false;
  if (sig[0] !== 0x30) return false;
  if (sig[1] !== n - 3) return false;
  const lenR = sig[3]!;
  if (5 + lenR >= n) return false;
  const lenS = sig[5 + lenR]!;
  if (lenR + lenS + 7 !== n) return false;
  if (sig[2] !== 0x02) return false;
  if (lenR === 0) return false;
  if (sig[4]! & 0x80) return false;
  if (lenR > 1 && sig[4] === 0x00 && !(sig[5]! & 0x80)) return false;
  if (sig[lenR + 4] !== 0x02) return false;
  if (lenS === 0) return false;
  if (sig[lenR + 6]! & 0x80) return false;
  if (lenS > 1 && sig[lenR + 6] === 0x00 && !(sig[lenR + 7]! & 0x80)) return false;
  return true;
}

// secp256k1 group order n and n/2, big-endian.
const N = Uint8Array.from([
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
  0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
]);
const HALF_N = Uint8Array.from([
  0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
]);

/** Compares the big-endian integer sig[pos, pos+len) (len ≤ 32, no leading zeros) with a 32-byte constant. */
function cmpInt(sig: Uint8Array, pos: number, len: number, k: Uint8Array): number {
  if (len < 32) {
    // A shorter value is smaller unless the constant's leading bytes are zero (they are not for N, N/2).
    return -1;
  }
  for (let i = 0; i < 32; i++) {
    const d = sig[pos + i]! - k[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Core's `CPubKey::CheckLowS` on a strict-DER signature (hash-type byte included, as on the stack):
 * false only when S > n/2. As in Core, an R or S that overflows 32 bytes or is ≥ n makes libsecp256k1
 * read the signature as zero, which counts as low. Call only after `isValidSignatureEncoding` passed.
 */
export function isLowDerS(sig: Uint8Array): boolean {
  const lenR = sig[3]!;
  let rPos = 4;
  let rLen = lenR;
  while (rLen > 0 && sig[rPos] === 0) {
    rPos++;
    rLen--;
  }
  const lenS = sig[5 + lenR]!;
  let sPos = 6 + lenR;
  let sLen = lenS;
  while (sLen > 0 && sig[sPos] === 0) {
    sPos++;
    sLen--;
  }
  if (rLen > 32 || sLen > 32) return true;
  if (cmpInt(sig, rPos, rLen, N) >= 0 || cmpInt(sig, sPos, sLen, N) >= 0) return true;
  return cmpInt(sig, sPos, sLen, HALF_N) <= 0;
}

/** STRICTENC: the last byte, without ANYONECANPAY, is ALL, NONE or SINGLE. */
export function isDefinedHashtypeSignature(sig: Uint8Array): boolean {
  if (sig.length === 0) return false;
  const t = sig[sig.length - 1]! & ~SIGHASH_ANYONECANPAY;
  return t >= SIGHASH_ALL && t <= SIGHASH_SINGLE;
}

/** STRICTENC: 33 bytes starting 02/03, or 65 bytes starting 04 (hybrid 06/07 keys are rejected). */
export function isCompressedOrUncompressedPubKey(pubkey: Uint8Array): boolean {
  if (pubkey.length < 33) return false;
  const h = pubkey[0];
  if (h === 0x04) return pubkey.length === 65;
  if (h === 0x02 || h === 0x03) return pubkey.length === 33;
  return false;
}

/**
 * Core's `CheckSignatureEncoding`: the empty signature always passes (it simply fails to verify);
 * otherwise SIG_DER, SIG_HIGH_S or SIG_HASHTYPE depending on the flags. Returns `undefined` when fine.
 */
export function checkSignatureEncoding(sig: Uint8Array, flags: number): ScriptErrorName | undefined {
  if (sig.length === 0) return undefined;
  if ((flags & (SCRIPT_VERIFY_DERSIG | SCRIPT_VERIFY_LOW_S | SCRIPT_VERIFY_STRICTENC)) !== 0 && !isValidSignatureEncoding(sig)) {
    return 'SIG_DER';
  }
  if ((flags & SCRIPT_VERIFY_LOW_S) !== 0 && !isLowDerS(sig)) return 'SIG_HIGH_S';
  if ((flags & SCRIPT_VERIFY_STRICTENC) !== 0 && !isDefinedHashtypeSignature(sig)) return 'SIG_HASHTYPE';
  return undefined;
}

/** Core's `CheckPubKeyEncoding` for legacy scripts: PUBKEYTYPE under STRICTENC. `undefined` when fine. */
export function checkPubKeyEncoding(pubkey: Uint8Array, flags: number): ScriptErrorName | undefined {
  if ((flags & SCRIPT_VERIFY_STRICTENC) !== 0 && !isCompressedOrUncompressedPubKey(pubkey)) return 'PUBKEYTYPE';
  return undefined;
}
