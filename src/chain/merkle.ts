/**
 * Bitcoin's transaction merkle tree: the header's `txRoot` commits to the block's txids exactly as a
 * Bitcoin header's merkle root does (double SHA-256 of each concatenated pair, an odd last hash paired
 * with itself), including Core's CVE-2012-2459 mutation flag, plus branches for light-client proofs.
 * Hashes are in internal byte order (as `Transaction.getHash()` returns them; display hex is reversed).
 */
import type { Transaction } from 'bitcoinjs-lib';
import { hash256 } from '../crypto/hash.ts';
import { equalBytes } from '../util/bytes.ts';

/** The root and Core's `mutated` flag for a list of leaf hashes. */
export interface MerkleResult {
  /** 32-byte root; 32 zero bytes for an empty list. */
  readonly root: Uint8Array;
  /**
   * True when some level has two equal hashes at an even/odd pair: a list whose last hashes repeat
   * (CVE-2012-2459) gives the same root as the shorter list, so a block with this flag is invalid.
   */
  readonly mutated: boolean;
}

function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const buf = new Uint8Array(64);
  buf.set(a, 0);
  buf.set(b, 32);
  return hash256(buf);
}

/**
 * Computes the merkle root of `leaves` as Core's `ComputeMerkleRoot` does.
 * Example: `merkleRoot([txid]).root` equals `txid` for a one-transaction block.
 */
export function merkleRoot(leaves: readonly Uint8Array[]): MerkleResult {
  if (leaves.length === 0) return { root: new Uint8Array(32), mutated: false };
  let level: Uint8Array[] = leaves.slice();
  let mutated = false;
  while (level.length > 1) {
    for (let i = 0; i + 1 < level.length; i += 2) {
      if (equalBytes(level[i]!, level[i + 1]!)) mutated = true;
    }
    if (level.length % 2 === 1) level.push(level[level.length - 1]!);
    const next: Uint8Array[] = new Array<Uint8Array>(level.length / 2);
    for (let i = 0; i < next.length; i++) next[i] = hashPair(level[2 * i]!, level[2 * i + 1]!);
    level = next;
  }
  return { root: level[0]!.slice(), mutated };
}

/**
 * The `txRoot` of a block's transactions (txids in internal order) with the mutation flag; a block
 * whose root is `mutated` must be rejected even when the root matches its header.
 */
export function txMerkleRoot(txs: readonly Transaction[]): MerkleResult {
  return merkleRoot(txs.map((tx) => tx.getHash()));
}

/**
 * The sibling hashes from leaf `index` up to the root (bottom first), for proving one txid against
 * `txRoot`. Throws `RangeError` when `index` is outside the list.
 */
export function merkleBranch(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new RangeError(`leaf index ${index} outside 0..${leaves.length - 1}`);
  }
  const branch: Uint8Array[] = [];
  let level: Uint8Array[] = leaves.slice();
  let i = index;
  while (level.length > 1) {
    if (level.length % 2 === 1) level.push(level[level.length - 1]!);
    branch.push(level[i ^ 1]!.slice());
    const next: Uint8Array[] = new Array<Uint8Array>(level.length / 2);
    for (let j = 0; j < next.length; j++) next[j] = hashPair(level[2 * j]!, level[2 * j + 1]!);
    level = next;
    i >>= 1;
  }
  return branch;
}

/**
 * Recomputes a root from a leaf, its index and its branch (as `merkleBranch` returns it).
 * Example: `merkleRootFromBranch(txid, 2, branch)` equals the block's `txRoot` for a valid proof.
 */
export function merkleRootFromBranch(leaf: Uint8Array, index: number, branch: readonly Uint8Array[]): Uint8Array {
  let h = leaf;
  let i = index;
  for (const sibling of branch) {
    h = (i & 1) === 1 ? hashPair(sibling, h) : hashPair(h, sibling);
    i = Math.floor(i / 2);
  }
  return h.slice();
}
