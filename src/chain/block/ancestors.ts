/**
 * The header's `ancestorsRoot`: a Merkle Mountain Range over the ids of all previous blocks (leaf i =
 * id of block i, so block n commits to blocks 0..n-1).
 *
 * Why an MMR: appending one id touches only the O(log n) "peaks" (perfect binary trees whose sizes are
 * the set bits of n), so each fork-DB entry can carry its own small accumulator and a new header's root
 * costs about log2(n) hashes; and a light client can check that block B is an ancestor of D with
 * log2(n) + popcount(n) hashes (CONSENSUS.md §5.11), without ever holding the whole chain.
 *
 * Hashing (BIP-340 tagged, so no value can be confused with a block id or a Bitcoin hash):
 *   node(l, r) = taggedHash("CCHOST/ANCESTORS/node/v1", l ‖ r)
 *   root       = taggedHash("CCHOST/ANCESTORS/root/v1", u64le(count) ‖ peak_0 ‖ … ‖ peak_k)   (count ≥ 1)
 *   root of the empty range (block 0) = 32 zero bytes
 * Peaks are listed left to right (largest first). The count inside the root binds the range's size, so
 * a proof cannot move a leaf to another position or pretend the range is shorter.
 */
import { taggedHash } from '../../crypto/hash.ts';
import { equalBytes } from '../../util/bytes.ts';

/** Tag of interior nodes. */
export const ANCESTORS_NODE_TAG = 'CCHOST/ANCESTORS/node/v1';
/** Tag of the bagged root. */
export const ANCESTORS_ROOT_TAG = 'CCHOST/ANCESTORS/root/v1';

/** The incremental accumulator: the number of ids appended and the peak hashes, left to right. */
export interface AncestorsAccumulator {
  readonly count: number;
  readonly peaks: readonly Uint8Array[];
}

/** The accumulator of no blocks (what block 0 commits to). */
export const EMPTY_ANCESTORS: AncestorsAccumulator = Object.freeze({ count: 0, peaks: Object.freeze([]) });

function node(l: Uint8Array, r: Uint8Array): Uint8Array {
  return taggedHash(ANCESTORS_NODE_TAG, l, r);
}

function u64le(n: number): Uint8Array {
  const out = new Uint8Array(8);
  let x = BigInt(n);
  for (let i = 0; i < 8; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/**
 * Appends one block id in O(log n) and returns a new accumulator (the input is not changed, so forks
 * can share their common prefix). Example: `ancestorsAppend(EMPTY_ANCESTORS, genesisId)` is what
 * block 1 commits to.
 */
export function ancestorsAppend(acc: AncestorsAccumulator, id: Uint8Array): AncestorsAccumulator {
  if (id.length !== 32) throw new RangeError(`block id must be 32 bytes, got ${id.length}`);
  const peaks = acc.peaks.slice();
  let h = id;
  for (let n = acc.count; (n & 1) === 1; n = Math.floor(n / 2)) h = node(peaks.pop()!, h);
  peaks.push(h);
  return { count: acc.count + 1, peaks };
}

/** The accumulator of a list of ids, in order. */
export function ancestorsFromIds(ids: readonly Uint8Array[]): AncestorsAccumulator {
  let acc = EMPTY_ANCESTORS;
  for (const id of ids) acc = ancestorsAppend(acc, id);
  return acc;
}

/** The 32-byte root of an accumulator (32 zero bytes when it is empty). */
export function ancestorsRoot(acc: AncestorsAccumulator): Uint8Array {
  if (acc.count === 0) return new Uint8Array(32);
  return taggedHash(ANCESTORS_ROOT_TAG, u64le(acc.count), ...acc.peaks);
}

/** Sizes of the peaks of a range of `count` leaves, left to right. */
function peakSizes(count: number): number[] {
  const sizes: number[] = [];
  let bit = 1;
  while (bit * 2 <= count) bit *= 2;
  for (; bit >= 1; bit /= 2) {
    if (Math.floor(count / bit) % 2 === 1) sizes.push(bit);
  }
  return sizes;
}

/** Proof that a block id sits at position `index` of the range of the first `count` blocks. */
export interface AncestryProof {
  /** Position of the proven id (the block's number). */
  readonly index: number;
  /** Size of the range (the number of the block whose `ancestorsRoot` is checked). */
  readonly count: number;
  /** Sibling hashes inside the id's peak, bottom first. */
  readonly path: readonly Uint8Array[];
  /** The other peaks, left to right, without the id's own peak. */
  readonly peaks: readonly Uint8Array[];
}

function perfectRoot(ids: readonly Uint8Array[], start: number, size: number): Uint8Array {
  if (size === 1) return ids[start]!;
  const half = size / 2;
  return node(perfectRoot(ids, start, half), perfectRoot(ids, start + half, half));
}

/**
 * Builds the proof for `ids[index]` against the root of the first `count` ids (default: all of them).
 * O(count) hashing; the store may later keep interior nodes to make it O(log n).
 */
export function proveAncestor(ids: readonly Uint8Array[], index: number, count = ids.length): AncestryProof {
  if (!Number.isInteger(count) || count < 1 || count > ids.length) throw new RangeError(`bad count ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`index ${index} outside 0..${count - 1}`);
  const peaks: Uint8Array[] = [];
  let path: Uint8Array[] = [];
  let start = 0;
  for (const size of peakSizes(count)) {
    if (index >= start && index < start + size) {
      path = [];
      let lo = start;
      let sz = size;
      // Walk down from the peak, recording the sibling subtree at each level (top first), then reverse.
      while (sz > 1) {
        const half = sz / 2;
        if (index < lo + half) {
          path.push(perfectRoot(ids, lo + half, half));
        } else {
          path.push(perfectRoot(ids, lo, half));
          lo += half;
        }
        sz = half;
      }
      path.reverse();
    } else {
      peaks.push(perfectRoot(ids, start, size));
    }
    start += size;
  }
  return { index, count, path, peaks };
}

/**
 * True when `proof` shows that `id` is the `proof.index`-th block id under `root`, the `ancestorsRoot`
 * of the block numbered `proof.count`. Never throws on malformed proofs.
 */
export function verifyAncestor(root: Uint8Array, id: Uint8Array, proof: AncestryProof): boolean {
  const { index, count, path, peaks } = proof;
  if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(index) || index < 0 || index >= count) {
    return false;
  }
  if (id.length !== 32 || root.length !== 32) return false;
  const sizes = peakSizes(count);
  if (peaks.length !== sizes.length - 1) return false;
  const all: Uint8Array[] = [];
  let start = 0;
  let used = 0;
  for (const size of sizes) {
    if (index >= start && index < start + size) {
      let depth = 0;
      for (let s = size; s > 1; s /= 2) depth++;
      if (path.length !== depth) return false;
      let h = id;
      let local = index - start;
      for (const sibling of path) {
        if (sibling.length !== 32) return false;
        h = local % 2 === 1 ? node(sibling, h) : node(h, sibling);
        local = Math.floor(local / 2);
      }
      all.push(h);
    } else {
      const p = peaks[used++]!;
      if (p.length !== 32) return false;
      all.push(p);
    }
    start += size;
  }
  return equalBytes(ancestorsRoot({ count, peaks: all }), root);
}
