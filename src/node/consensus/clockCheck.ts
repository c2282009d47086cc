/**
 * Is this node's clock in step with the other producers'? A producer whose clock is off produces
 * at the wrong moments (its blocks look early or late to everyone), so a node off by more than
 * `CLOCK_SKEW_LIMIT_MS` warns and refuses to produce (it keeps validating and voting: safety reads
 * no clock).
 *
 * The evidence is what honest producers already send: a producer seals its block at the start of
 * its slot, so with our clock `offset` ms ahead of theirs a block of slot s arrives with a "lag"
 * `arrival − slotStart(s)` (by our clock) of `offset + delay`, the delay (build + network) ≥ 0. Per producer we keep the smallest lag
 * of its recent blocks (the least-delayed one approximates the offset). The clock counts as off when
 * more than half of the producers sampled agree that it is off in the same direction (one producer
 * with a wrong clock cannot make us stop, nor keep us going), and the reported offset is the median
 * (of an even count, the middle value nearer zero). A lag below −limit proves our clock is behind (no
 * honest block is sealed before its slot); above +limit it is ahead (or every producer was late by
 * that much at once).
 */

/** Largest tolerated clock offset against the other producers (ms). */
export const CLOCK_SKEW_LIMIT_MS = 250;

/** Blocks per producer the estimate looks at (one turn). */
const WINDOW = 12;

/** Sample age after which a producer no longer counts (ms). */
const MAX_AGE_MS = 60_000;

/** Fewest samples before a verdict (one late block at start-up proves nothing). */
const MIN_SAMPLES = 3;

interface Sample {
  readonly lag: number;
  readonly at: number;
}

/** The estimate and its verdict. */
export interface ClockEstimate {
  /** Our clock minus the producers' (ms; positive = ahead); undefined without samples. */
  readonly offsetMs: number | undefined;
  /** Producers the estimate is based on. */
  readonly producers: number;
  /** True when more than half of the sampled producers put our clock beyond the limit, in one direction. */
  readonly skewed: boolean;
  readonly limitMs: number;
}

/** Collects block arrival lags per producer. Example: `mon.observe('bob', lagMs, nowMs); mon.estimate(nowMs).skewed`. */
export class ClockMonitor {
  private readonly samples = new Map<string, Sample[]>();

  constructor(private readonly limitMs: number = CLOCK_SKEW_LIMIT_MS) {}

  /** Records that a block of `producer` arrived `lagMs` after its slot started (by our clock). */
  observe(producer: string, lagMs: number, nowMs: number): void {
    let list = this.samples.get(producer);
    if (list === undefined) {
      list = [];
      this.samples.set(producer, list);
    }
    list.push({ lag: lagMs, at: nowMs });
    if (list.length > WINDOW) list.shift();
  }

  /** The current estimate (see the file comment). */
  estimate(nowMs: number): ClockEstimate {
    const mins: number[] = [];
    let count = 0;
    for (const list of this.samples.values()) {
      const fresh = list.filter((s) => nowMs - s.at <= MAX_AGE_MS);
      if (fresh.length === 0) continue;
      count += fresh.length;
      mins.push(Math.min(...fresh.map((s) => s.lag)));
    }
    if (count < MIN_SAMPLES) return { offsetMs: undefined, producers: mins.length, skewed: false, limitMs: this.limitMs };
    mins.sort((a, b) => a - b);
    const mid = mins.length >> 1;
    const offset = mins.length % 2 === 1 ? mins[mid]! : Math.abs(mins[mid - 1]!) < Math.abs(mins[mid]!) ? mins[mid - 1]! : mins[mid]!;
    const ahead = mins.filter((m) => m > this.limitMs).length;
    const behind = mins.filter((m) => m < -this.limitMs).length;
    const skewed = 2 * ahead > mins.length || 2 * behind > mins.length;
    return { offsetMs: Math.round(offset), producers: mins.length, skewed, limitMs: this.limitMs };
  }
}
