/**
 * Missed-slot accounting (§5.7). When block B (slot s, producer p) is applied on parent P, every slot
 * in (P.slot, s) had no block on this chain: its scheduled producer gets missed++ and missedInARow++.
 * Slots in turns before B's turn are charged under P's active schedule; slots of B's own turn before
 * s belong to p (under B's schedule). Then p gets produced++ and missedInARow := 0. Long gaps are
 * charged arithmetically (whole rotations at once), so the cost does not grow with the gap.
 */
import type { Schedule } from '../chain/block/types.ts';
import { turnOf } from './schedule.ts';
import type { ProducerStats } from './types.ts';

/**
 * Slots of [first, last] held by each schedule index, for n members and turns of `turnLength`.
 * Example: `slotsPerIndex(2, 12, 0, 35)` is `[24, 12]`.
 */
export function slotsPerIndex(n: number, turnLength: number, first: number, last: number): number[] {
  const cnt = new Array<number>(n).fill(0);
  const add = (i: number, v: number) => {
    cnt[i] = cnt[i]! + v;
  };
  if (first > last) return cnt;
  const tf = turnOf(first, turnLength);
  const tl = turnOf(last, turnLength);
  if (tf === tl) {
    add(tf % n, last - first + 1);
    return cnt;
  }
  add(tf % n, (tf + 1) * turnLength - first);
  add(tl % n, last - tl * turnLength + 1);
  const middle = tl - tf - 1;
  const full = Math.floor(middle / n);
  if (full > 0) for (let i = 0; i < n; i++) add(i, full * turnLength);
  for (let j = 0; j < middle % n; j++) add((tf + 1 + j) % n, turnLength);
  return cnt;
}

/**
 * The counters after a block at `slot` by `producer` on a parent at `parentSlot` (see file comment).
 * `prev` holds the parent's counters (by name); the result lists `active`'s members in order.
 */
export function nextStats(
  prev: readonly ProducerStats[],
  parentActive: Schedule,
  active: Schedule,
  parentSlot: number,
  slot: number,
  producer: string,
  turnLength: number,
): ProducerStats[] {
  const missedBy = new Map<string, number>();
  const turnStart = turnOf(slot, turnLength) * turnLength;
  const oldLast = Math.min(slot - 1, turnStart - 1);
  const counts = slotsPerIndex(parentActive.producers.length, turnLength, parentSlot + 1, oldLast);
  counts.forEach((c, i) => {
    if (c > 0) {
      const name = parentActive.producers[i]!.name;
      missedBy.set(name, (missedBy.get(name) ?? 0) + c);
    }
  });
  const ownMissed = slot - Math.max(parentSlot + 1, turnStart);
  if (ownMissed > 0) missedBy.set(producer, (missedBy.get(producer) ?? 0) + ownMissed);
  const byName = new Map(prev.map((s) => [s.name, s]));
  return active.producers.map((p) => {
    const s = byName.get(p.name) ?? { name: p.name, produced: 0, missed: 0, missedInARow: 0 };
    const m = missedBy.get(p.name) ?? 0;
    if (p.name === producer) return { name: p.name, produced: s.produced + 1, missed: s.missed + m, missedInARow: 0 };
    if (m === 0) return s;
    return { name: p.name, produced: s.produced, missed: s.missed + m, missedInARow: s.missedInARow + m };
  });
}
