/**
 * Per-peer outbound queue with three priority lanes: votes, certificates and control messages first,
 * then blocks (and sync traffic), then transactions. Each lane is bounded by messages and bytes; a
 * push over the bound drops the lane's oldest messages (under pressure a peer loses old transactions
 * first, never a newer vote because of an old transaction).
 */

/** Lanes, highest priority first. */
export const Lane = { HIGH: 0, MID: 1, LOW: 2 } as const;

/** One of the lanes. */
export type LaneId = (typeof Lane)[keyof typeof Lane];

/** Bound of one lane. */
export interface LaneBound {
  readonly maxMessages: number;
  readonly maxBytes: number;
}

/** Bounds of the three lanes. */
export interface QueueBounds {
  readonly high: LaneBound;
  readonly mid: LaneBound;
  readonly low: LaneBound;
}

/** Defaults: 8,192 votes/control (8 MiB), 512 blocks (64 MiB), 20,000 transactions (16 MiB). */
export const DEFAULT_QUEUE_BOUNDS: QueueBounds = Object.freeze({
  high: { maxMessages: 8192, maxBytes: 8 * 1024 * 1024 },
  mid: { maxMessages: 512, maxBytes: 64 * 1024 * 1024 },
  low: { maxMessages: 20_000, maxBytes: 16 * 1024 * 1024 },
});

/** A FIFO with O(1) push and shift. */
class Fifo {
  private items: (Uint8Array | undefined)[] = [];
  private head = 0;
  bytes = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(m: Uint8Array): void {
    this.items.push(m);
    this.bytes += m.length;
  }

  peek(): Uint8Array | undefined {
    return this.items[this.head];
  }

  shift(): Uint8Array | undefined {
    if (this.head >= this.items.length) return undefined;
    const m = this.items[this.head];
    this.items[this.head++] = undefined;
    if (m !== undefined) this.bytes -= m.length;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return m;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.bytes = 0;
  }
}

/** The queue of one peer. Example: `q.push(bytes, Lane.LOW); q.take(256 * 1024)`. */
export class OutboundQueue {
  private readonly lanes: [Fifo, Fifo, Fifo] = [new Fifo(), new Fifo(), new Fifo()];
  private readonly bounds: [LaneBound, LaneBound, LaneBound];
  /** Messages dropped per lane because the lane was full. */
  readonly dropped: [number, number, number] = [0, 0, 0];

  constructor(bounds: QueueBounds = DEFAULT_QUEUE_BOUNDS) {
    this.bounds = [bounds.high, bounds.mid, bounds.low];
  }

  /** Queues a message; drops the lane's oldest messages while the lane is over its bound. */
  push(message: Uint8Array, lane: LaneId): void {
    const q = this.lanes[lane];
    const b = this.bounds[lane];
    q.push(message);
    while (q.length > 1 && (q.length > b.maxMessages || q.bytes > b.maxBytes)) {
      q.shift();
      this.dropped[lane]++;
    }
  }

  /**
   * Removes and returns the next messages in priority order whose frame fits in `maxBytes` (always at
   * least one message when any is queued, however large).
   */
  take(maxBytes: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    let size = 1;
    for (const q of this.lanes) {
      for (let m = q.peek(); m !== undefined; m = q.peek()) {
        const add = m.length + (m.length < 0xfd ? 1 : m.length <= 0xffff ? 3 : 5);
        if (out.length > 0 && size + add > maxBytes) return out;
        out.push(q.shift()!);
        size += add;
      }
    }
    return out;
  }

  /** Messages queued. */
  get length(): number {
    return this.lanes[0].length + this.lanes[1].length + this.lanes[2].length;
  }

  /** Bytes queued. */
  get bytes(): number {
    return this.lanes[0].bytes + this.lanes[1].bytes + this.lanes[2].bytes;
  }

  /** Messages dropped in all lanes. */
  get droppedTotal(): number {
    return this.dropped[0] + this.dropped[1] + this.dropped[2];
  }

  /** Empties the queue (on disconnect). */
  clear(): void {
    for (const q of this.lanes) q.clear();
  }
}
