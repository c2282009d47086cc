/**
 * Watches headers for double production: the first valid header seen per (producer, slot) is kept,
 * and a second one with a different id yields DoubleProduce evidence (§5.4). Double votes are the
 * aggregator's. Forget old slots with `pruneBelow`.
 */
import type { BlockHeader, Evidence } from '../chain/block/types.ts';
import { equalBytes } from '../util/bytes.ts';
import { doubleProduceEvidence } from './evidence.ts';
import { headerId } from './header.ts';

/** Example: `const ev = watch.observe(header); if (ev) pool.add(ev)`. Give it only signature-checked headers. */
export class EquivocationWatch {
  private readonly seen = new Map<string, BlockHeader>();

  /** Records a header; returns evidence when it conflicts with one seen before. */
  observe(h: BlockHeader): Evidence | undefined {
    const k = `${h.producer}:${h.slot}`;
    const first = this.seen.get(k);
    if (first === undefined) {
      this.seen.set(k, h);
      return undefined;
    }
    if (equalBytes(headerId(first), headerId(h))) return undefined;
    return doubleProduceEvidence(first, h);
  }

  /** Forgets headers of slots below `slot`. */
  pruneBelow(slot: number): void {
    for (const [k, h] of this.seen) if (h.slot < slot) this.seen.delete(k);
  }
}
