/**
 * Hash functions used by consensus: SHA-256, RIPEMD-160, HASH160, HASH256 and BIP-340 tagged hashes,
 * all over `Uint8Array` (from @noble/hashes).
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { ripemd160 as nobleRipemd160, sha1 as nobleSha1 } from '@noble/hashes/legacy.js';
import { utf8 } from '../util/bytes.ts';

/** SHA-256. Example: `sha256(new Uint8Array())` starts with `e3b0c442`. */
export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

/** RIPEMD-160. */
export function ripemd160(data: Uint8Array): Uint8Array {
  return nobleRipemd160(data);
}

/** SHA-1 (only for Bitcoin script's OP_SHA1). */
export function sha1(data: Uint8Array): Uint8Array {
  return nobleSha1(data);
}

/** RIPEMD-160 of SHA-256: public-key and script hashes in addresses. */
export function hash160(data: Uint8Array): Uint8Array {
  return nobleRipemd160(nobleSha256(data));
}

/** Double SHA-256: txids, block hashes, sighashes, Base58Check checksums. */
export function hash256(data: Uint8Array): Uint8Array {
  return nobleSha256(nobleSha256(data));
}

const tagCache = new Map<string, Uint8Array>();

/** BIP-340 tagged hash: SHA256(SHA256(tag) ‖ SHA256(tag) ‖ data). */
export function taggedHash(tag: string, ...data: Uint8Array[]): Uint8Array {
  let th = tagCache.get(tag);
  if (th === undefined) {
    th = nobleSha256(utf8(tag));
    tagCache.set(tag, th);
  }
  const h = nobleSha256.create();
  h.update(th);
  h.update(th);
  for (const d of data) h.update(d);
  return h.digest();
}
