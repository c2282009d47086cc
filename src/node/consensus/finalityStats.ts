/**
 * Finality latency as this node observed it: for each block that became final here, the time from
 * its slot's start (the earliest its producer may seal it, so the figure is an upper bound of
 * seal → final) to the moment this node held its COMMIT certificate; and head − LIB sampled at every
 * slot start. Kept in bounded rings for `getfinalitystats` and the finality benchmark.
 */

/** Blocks and samples remembered. */
const CAPACITY = 4096;

/** One finalized block. */
export interface FinalizedRecord {
  readonly num: number;
  readonly slot: number;
  /** Unix ms at which its slot started. */
  readonly slotStartMs: number;
  /** Unix ms at which it became final here. */
  readonly finalMs: number;
}

/** Percentile summary of a sample. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number | undefined;
  readonly p90: number | undefined;
  readonly p99: number | undefined;
  readonly max: number | undefined;
}

/** The `q`-quantile (0..1) of sorted values by the nearest-rank method. */
export function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}

/** p50/p90/p99/max of `values`. */
export function percentiles(values: readonly number[]): Percentiles {
  const s = [...values].sort((a, b) => a - b);
  return { count: s.length, p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), max: s[s.length - 1] };
}

/** The rings. Example: `stats.finalized({num, slot, slotStartMs, finalMs}); stats.latency()`. */
export class FinalityStats {
  private readonly records: FinalizedRecord[] = [];
  private readonly lags: number[] = [];
  /** head − LIB samples taken since start (more than the ring holds, eventually). */
  lagSamples = 0;

  /** Records a block that became final. */
  finalized(r: FinalizedRecord): void {
    this.records.push(r);
    if (this.records.length > CAPACITY) this.records.shift();
  }

  /** Records head − LIB at a slot start. */
  sampleLag(blocks: number): void {
    this.lags.push(blocks);
    this.lagSamples++;
    if (this.lags.length > CAPACITY) this.lags.shift();
  }

  /** Recent finalized blocks, oldest first (at most `limit`). */
  recent(limit = CAPACITY): readonly FinalizedRecord[] {
    return limit <= 0 ? [] : this.records.slice(-limit);
  }

  /** Slot start → final latency (ms) of finalized blocks with number above `sinceNum`. */
  latency(sinceNum = -1): Percentiles {
    return percentiles(this.records.filter((r) => r.num > sinceNum).map((r) => r.finalMs - r.slotStartMs));
  }

  /** head − LIB samples (blocks), the last `last` of them. */
  lag(last = CAPACITY): Percentiles {
    return percentiles(last <= 0 ? [] : this.lags.slice(-last));
  }
}
