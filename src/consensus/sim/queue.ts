/**
 * The simulator's event queue: a binary heap ordered by (virtual time, insertion sequence), so events
 * at the same time run in the order they were scheduled and every run is reproducible.
 */

interface Item<E> {
  readonly at: number;
  readonly seq: number;
  readonly event: E;
}

/** A min-heap of timed events. Example: `q.push(500, e); q.pop()` returns `{at: 500, event: e}`. */
export class EventQueue<E> {
  private heap: Item<E>[] = [];
  private seq = 0;

  /** Number of queued events. */
  get size(): number {
    return this.heap.length;
  }

  /** Schedules `event` at virtual time `at` (ms). */
  push(at: number, event: E): void {
    const h = this.heap;
    h.push({ at, seq: this.seq++, event });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  /** Removes and returns the earliest event, or undefined when empty. */
  pop(): { at: number; event: E } | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return { at: top.at, event: top.event };
  }

  /** Time of the earliest event, or undefined. */
  peekTime(): number | undefined {
    return this.heap[0]?.at;
  }

  private less(a: Item<E>, b: Item<E>): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
}
