/**
 * Mempool entries: the transaction with its fee, size, entry time and height, its links to
 * unconfirmed parents and children, and running ancestor/descendant aggregates (count, bytes, fees,
 * each including the entry itself) that block selection and eviction read.
 */
import type { Transaction } from 'bitcoinjs-lib';

/** One transaction in the mempool (mutable aggregates are maintained by `Mempool`). */
export interface MempoolEntry {
  readonly tx: Transaction;
  /** Internal byte order. */
  readonly txid: Uint8Array;
  /** `txidKey(txid)`. */
  readonly key: string;
  /** Legacy serialized size in bytes. */
  readonly size: number;
  /** Satoshis. */
  readonly fee: bigint;
  /** Entry time (unix ms) as passed in by the caller. */
  readonly time: number;
  /** Chain tip height when the transaction entered. */
  readonly height: number;
  /** Acceptance sequence number (parents always have smaller numbers than their children). */
  readonly seq: number;
  readonly parents: Set<MempoolEntry>;
  readonly children: Set<MempoolEntry>;
  /** The CC host took part in validating it (re-validated at every new tip, CC.md B8.5). */
  touchesCc: boolean;
  /** Script flags and CC context it was last validated with. */
  flags: number;
  ccKey: number;
  ancestorCount: number;
  ancestorSize: number;
  ancestorFees: bigint;
  descendantCount: number;
  descendantSize: number;
  descendantFees: bigint;
}

/** What `getmempoolentry` reports about one transaction. */
export interface MempoolEntryInfo {
  readonly txid: Uint8Array;
  readonly size: number;
  readonly fee: bigint;
  readonly time: number;
  readonly height: number;
  /** Unconfirmed ancestors including itself. */
  readonly ancestorCount: number;
  readonly ancestorSize: number;
  readonly ancestorFees: bigint;
  /** Unconfirmed descendants including itself. */
  readonly descendantCount: number;
  readonly descendantSize: number;
  readonly descendantFees: bigint;
  /** Txids of the unconfirmed parents. */
  readonly depends: readonly Uint8Array[];
  /** Txids of the unconfirmed children. */
  readonly spentBy: readonly Uint8Array[];
}

/** All unconfirmed ancestors of `e` (not `e` itself). */
export function ancestorsOf(e: MempoolEntry): Set<MempoolEntry> {
  const out = new Set<MempoolEntry>();
  const stack = [...e.parents];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (out.has(x)) continue;
    out.add(x);
    for (const p of x.parents) stack.push(p);
  }
  return out;
}

/** All unconfirmed descendants of `e` (not `e` itself). */
export function descendantsOf(e: MempoolEntry): Set<MempoolEntry> {
  const out = new Set<MempoolEntry>();
  const stack = [...e.children];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (out.has(x)) continue;
    out.add(x);
    for (const c of x.children) stack.push(c);
  }
  return out;
}

/** Compares fee rates fa/sa and fb/sb exactly: negative when a is lower, 0 equal, positive higher. */
export function compareFeeRate(fa: bigint, sa: number, fb: bigint, sb: number): number {
  const l = fa * BigInt(sb);
  const r = fb * BigInt(sa);
  return l < r ? -1 : l > r ? 1 : 0;
}
