/**
 * Host policy (CC.md B6): the allowed-types mask, the signing requirement B6.2 and Komodo's
 * `policy[]` predicate (B6.4). The mask is per chain and fixed at genesis.
 */
import type { CCNode } from '../conditions/index.ts';

/** Bit of a type id in a mask. */
const bit = (id: number): number => 1 << id;

/** The default `allowedTypes`: preimage, threshold, ed25519, secp256k1, eval (0x8035). */
export const DEFAULT_ALLOWED_TYPES = bit(0) | bit(2) | bit(4) | bit(5) | bit(15);
/** The signature types that satisfy B6.2: ed25519 and secp256k1. */
export const SIGNER_TYPES_MASK = bit(4) | bit(5);
/** The eval type bit. */
export const EVAL_TYPE_MASK = bit(15);
/** The largest root cost of a spent or created condition (B11: 2²³). */
export const MAX_ROOT_COST = 8_388_608;

/** What B6.2 needs to know about a parsed fulfillment. */
export interface SignerFacts {
  /** Fulfilled (hence verified) secp256k1 and ed25519 nodes. */
  readonly signers: number;
  /** An anon node is eval or has eval in its subtypes: a hidden module, which blocks the exemption. */
  readonly anonEval: boolean;
}

/** Counts the fulfilled signer nodes of a tree and detects anon eval nodes (B6.2). */
export function signerFacts(tree: CCNode): SignerFacts {
  let signers = 0;
  let anonEval = false;
  const walk = (n: CCNode): void => {
    switch (n.type) {
      case 'secp256k1':
      case 'ed25519':
        signers++;
        return;
      case 'anon':
        if (n.typeId === 15 || (n.subtypes & EVAL_TYPE_MASK) !== 0) anonEval = true;
        return;
      case 'prefix':
        walk(n.child);
        return;
      case 'threshold':
        for (const c of n.children) walk(c);
        return;
      default:
        return;
    }
  };
  walk(tree);
  return { signers, anonEval };
}

/**
 * Komodo's `policy[]` predicate (B6.4): the types of a tree are all allowed and include ed25519 or
 * secp256k1. Example: `mayAcceptMask(0x8024, DEFAULT_ALLOWED_TYPES)` is true, `mayAcceptMask(0x8004, …)` false.
 */
export function mayAcceptMask(mask: number, allowedTypes: number = DEFAULT_ALLOWED_TYPES): boolean {
  return (mask & ~allowedTypes) === 0 && (mask & SIGNER_TYPES_MASK) !== 0;
}
