/**
 * Adaptive block sizing of a producer: blocks are capped to what this node assembled and connected
 * within the time budget on recent full blocks (bytes per ms, a moving average), so a slot's work stays
 * short on a busy machine. Before any measurement the cap is 256 KiB.
 */

/** Block byte cap before any speed was measured (about 1,300 one-input transactions). */
export const INITIAL_BLOCK_BYTES = 256 * 1024;

/** The measured speed and the caps derived from it. Example: `s.cap(limit, 200)`, then `s.learn(bytes, txs, ms)`. */
export class BlockSizer {
  private bytesPerMs: number | undefined;

  /**
   * @param minCap the adaptive cap never goes below this (a slow disk still moves transactions)
   * @param minTxs blocks with fewer transactions measure fixed costs, not throughput, and are not learned from
   */
  constructor(
    private readonly minCap: number,
    private readonly minTxs: number,
  ) {}

  /** The byte cap of a block built in `ms` milliseconds, at most `limit`. */
  cap(limit: number, ms: number): number {
    if (this.bytesPerMs === undefined) return Math.min(limit, INITIAL_BLOCK_BYTES);
    return Math.max(this.minCap, Math.min(limit, Math.floor(this.bytesPerMs * ms)));
  }

  /** A block of `bytes` with `txs` transactions took `ms` milliseconds. */
  learn(bytes: number, txs: number, ms: number): void {
    if (txs < this.minTxs || ms <= 0) return;
    const rate = bytes / ms;
    this.bytesPerMs = this.bytesPerMs === undefined ? rate : 0.7 * this.bytesPerMs + 0.3 * rate;
  }
}
