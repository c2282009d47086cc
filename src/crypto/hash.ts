/**
 * Hash functions used by consensus: SHA-256, RIPEMD-160, HASH160, HASH256 and BIP-340 tagged hashes,
 * all over `Uint8Array`. SHA-256 comes from node:crypto (OpenSSL) through its one-shot `hash()`, which
 * skips the Hash object: a txid (two SHA-256 of about 226 bytes) takes about 1.9 µs against 3.5 µs
 * with `createHash` and 3.9 µs in pure JS. RIPEMD-160 and SHA-1 come from @noble/hashes. Results are
 * plain `Uint8Array`s (never Buffers), so they compare equal to bytes from anywhere else.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import { ripemd160 as nobleRipemd160, sha1 as nobleSha1 } from '@noble/hashes/legacy.js';
import { utf8 } from '../util/bytes.ts';

function digest(h: ReturnType<typeof createHash>): Uint8Array {
  return new Uint8Array(h.digest());
}

/** SHA-256 as a Buffer (node:crypto's one-shot API, present from Node 20.12; package.json asks for 20.19). */
function sha256Buffer(data: Uint8Array): Buffer {
  return oneShotHash('sha256', data, 'buffer');
}

/** SHA-256. Example: `sha256(new Uint8Array())` starts with `e3b0c442`. */
export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(sha256Buffer(data));
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
  return nobleRipemd160(sha256(data));
}

/** Double SHA-256: txids, block hashes, sighashes, Base58Check checksums. */
export function hash256(data: Uint8Array): Uint8Array {
  return new Uint8Array(sha256Buffer(sha256Buffer(data)));
}

const tagCache = new Map<string, Uint8Array>();

/** BIP-340 tagged hash: SHA256(SHA256(tag) ‖ SHA256(tag) ‖ data). */
export function taggedHash(tag: string, ...data: Uint8Array[]): Uint8Array {
  let th = tagCache.get(tag);
  if (th === undefined) {
    th = sha256(utf8(tag));
    tagCache.set(tag, th);
  }
  const h = createHash('sha256').update(th).update(th);
  for (const d of data) h.update(d);
  return digest(h);
}
