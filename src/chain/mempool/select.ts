/**
 * Block template selection by ancestor fee rate (Core's "ancestor package" mining): repeatedly take
 * the entry whose not-yet-selected ancestors plus itself pay the highest fee per byte, add that
 * package parents first, and lower the package figures of its remaining descendants. A child is
 * never placed before its parent, and a high-fee child pulls its low-fee parent in (CPFP).
 */
import type { Transaction } from 'bitcoinjs-lib';
import { ancestorsOf, compareFeeRate, descendantsOf } from './entry.ts';
import type { MempoolEntry } from './entry.ts';
import { Heap } from './heap.ts';

interface Candidate {
  readonly e: MempoolEntry;
  readonly fee: bigint;
  readonly size: number;
  readonly ver: number;
}

/** Give up after this many packages that did not fit once the block is nearly full (as Core). */
const MAX_CONSECUTIVE_FAILURES = 1000;
const NEARLY_FULL_MARGIN = 4000;

/**
 * Selects transactions for a block of at most `maxBytes` transaction bytes, in an order valid for a
 * block (parents before children). Ties in fee rate go to the earlier entry.
 */
export function selectByAncestorFeeRate(entries: Iterable<MempoolEntry>, maxBytes: number): Transaction[] {
  const first = (a: Candidate, b: Candidate): boolean => {
    const c = compareFeeRate(a.fee, a.size, b.fee, b.size);
    return c > 0 || (c === 0 && a.e.seq < b.e.seq);
  };
  const heap = new Heap<Candidate>(first);
  const mod = new Map<MempoolEntry, { fee: bigint; size: number; ver: number }>();
  for (const e of entries) {
    mod.set(e, { fee: e.ancestorFees, size: e.ancestorSize, ver: 0 });
    heap.push({ e, fee: e.ancestorFees, size: e.ancestorSize, ver: 0 });
  }
  const included = new Set<MempoolEntry>();
  const out: Transaction[] = [];
  let used = 0;
  let failures = 0;
  for (let c = heap.pop(); c !== undefined; c = heap.pop()) {
    if (included.has(c.e) || mod.get(c.e)!.ver !== c.ver) continue;
    const pkg = [c.e];
    for (const a of ancestorsOf(c.e)) if (!included.has(a)) pkg.push(a);
    let size = 0;
    for (const x of pkg) size += x.size;
    if (used + size > maxBytes) {
      failures++;
      if (failures > MAX_CONSECUTIVE_FAILURES && used > maxBytes - NEARLY_FULL_MARGIN) break;
      continue;
    }
    failures = 0;
    // More ancestors means later in any valid order (a parent's ancestors are a strict subset of its child's).
    pkg.sort((a, b) => a.ancestorCount - b.ancestorCount || a.seq - b.seq);
    for (const x of pkg) {
      included.add(x);
      out.push(x.tx);
      used += x.size;
    }
    for (const x of pkg) {
      for (const d of descendantsOf(x)) {
        if (included.has(d)) continue;
        const m = mod.get(d)!;
        m.fee -= x.fee;
        m.size -= x.size;
        m.ver++;
        heap.push({ e: d, fee: m.fee, size: m.size, ver: m.ver });
      }
    }
  }
  return out;
}
