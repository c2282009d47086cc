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

/** One fulfilled eval node found by `inspectTree`: its code and path from the root. */
export interface TreeEval {
  readonly code: Uint8Array;
  readonly path: readonly number[];
}

/** Everything the spend check reads off a parsed tree, gathered in one walk. */
export interface TreeFacts extends SignerFacts {
  /** The library's `typeMask`: the root type, every node's type and every anon node's subtypes (A10, B4 step 4). */
  readonly mask: number;
  /** Fulfilled (non-anon) eval nodes in DER order, as the library's `fulfilledEvals` lists them. */
  readonly evals: readonly TreeEval[];
}

interface Acc {
  mask: number;
  signers: number;
  anonEval: boolean;
  evals: TreeEval[];
}

function walk(n: CCNode, path: number[], acc: Acc): void {
  switch (n.type) {
    case 'anon':
      acc.mask |= (1 << n.typeId) | n.subtypes;
      if (n.typeId === 15 || (n.subtypes & EVAL_TYPE_MASK) !== 0) acc.anonEval = true;
      return;
    case 'secp256k1':
      acc.mask |= bit(5);
      acc.signers++;
      return;
    case 'ed25519':
      acc.mask |= bit(4);
      acc.signers++;
      return;
    case 'eval':
      acc.mask |= bit(15);
      acc.evals.push({ code: n.code, path: path.slice() });
      return;
    case 'preimage':
      acc.mask |= bit(0);
      return;
    case 'rsa':
      acc.mask |= bit(3);
      return;
    case 'prefix':
      acc.mask |= bit(1);
      path.push(0);
      walk(n.child, path, acc);
      path.pop();
      return;
    case 'threshold':
      acc.mask |= bit(2);
      for (let i = 0; i < n.children.length; i++) {
        path.push(i);
        walk(n.children[i]!, path, acc);
        path.pop();
      }
      return;
  }
}

/**
 * One walk over a parsed tree: its type mask (= the library's `typeMask`), its fulfilled signer
 * count and hidden evals (B6.2), and its fulfilled eval nodes in DER order (= `fulfilledEvals`).
 */
export function inspectTree(tree: CCNode): TreeFacts {
  const acc: Acc = { mask: 0, signers: 0, anonEval: false, evals: [] };
  walk(tree, [], acc);
  return acc;
}

/** Counts the fulfilled signer nodes of a tree and detects anon eval nodes (B6.2). */
export function signerFacts(tree: CCNode): SignerFacts {
  const f = inspectTree(tree);
  return { signers: f.signers, anonEval: f.anonEval };
}

/**
 * Komodo's `policy[]` predicate (B6.4): the types of a tree are all allowed and include ed25519 or
 * secp256k1. Example: `mayAcceptMask(0x8024, DEFAULT_ALLOWED_TYPES)` is true, `mayAcceptMask(0x8004, …)` false.
 */
export function mayAcceptMask(mask: number, allowedTypes: number = DEFAULT_ALLOWED_TYPES): boolean {
  return (mask & ~allowedTypes) === 0 && (mask & SIGNER_TYPES_MASK) !== 0;
}
