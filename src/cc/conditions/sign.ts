/**
 * Signing helpers (CC.md A7): sign every secp256k1 / ed25519 node of a tree whose public key matches,
 * with the message that node receives on verification (M, or prefix ‖ M under a prefix), and return
 * how many were signed. secp256k1 nodes are signed only when that message is 32 bytes (RFC 6979,
 * low-S). Anonymous nodes are skipped. Signatures never change the condition.
 */
import { ed25519PublicKey, ed25519Sign } from '../../crypto/ed25519.ts';
import { ecdsaSignCompact, publicKeyFromPrivate } from '../../crypto/secp256k1.ts';
import { concatBytes, equalBytes } from '../../util/bytes.ts';
import { CchostError } from '../../util/errors.ts';
import { CCErrorCode } from './errors.ts';
import type { CCNode, Ed25519Node, Secp256k1Node } from './types.ts';

/**
 * Signs every secp256k1 node whose key is the public key of `privateKey` over `msg32` (the sighash).
 * Returns the number of nodes signed (0: the key is not in the tree). Throws `CchostError` (CC_ARG,
 * CRYPTO_BAD_KEY) on a message that is not 32 bytes or an invalid key.
 * Example: `signSecp256k1(tree, key, sighash) === 1` for a Komodo 1-of-1 of `key`.
 */
export function signSecp256k1(tree: CCNode, privateKey: Uint8Array, msg32: Uint8Array): number {
  if (!(msg32 instanceof Uint8Array) || msg32.length !== 32) {
    throw new CchostError(CCErrorCode.ARG, 'A7: secp256k1 nodes sign a 32-byte message');
  }
  const pub = publicKeyFromPrivate(privateKey, true);
  return walk(tree, msg32, (n, m) => {
    if (n.type !== 'secp256k1' || m.length !== 32 || !equalBytes(n.publicKey, pub)) return false;
    (n as Secp256k1Node).signature = ecdsaSignCompact(m, privateKey);
    return true;
  });
}

/**
 * Signs every ed25519 node whose key is the public key of the 32-byte `seed` over `msg` (any length).
 * Returns the number of nodes signed. Throws `CchostError` on a bad seed.
 */
export function signEd25519(tree: CCNode, seed: Uint8Array, msg: Uint8Array): number {
  if (!(msg instanceof Uint8Array)) throw new CchostError(CCErrorCode.ARG, 'A7: the message must be a Uint8Array');
  const pub = ed25519PublicKey(seed);
  return walk(tree, msg, (n, m) => {
    if (n.type !== 'ed25519' || !equalBytes(n.publicKey, pub)) return false;
    (n as Ed25519Node).signature = ed25519Sign(m, seed);
    return true;
  });
}

function walk(node: CCNode, m: Uint8Array, visit: (n: CCNode, m: Uint8Array) => boolean): number {
  switch (node.type) {
    case 'prefix':
      return walk(node.child, concatBytes(node.prefix, m), visit);
    case 'threshold': {
      let count = 0;
      for (const c of node.children) count += walk(c, m, visit);
      return count;
    }
    default:
      return visit(node, m) ? 1 : 0;
  }
}
