/**
 * The slot clock of a networked node: a timer that fires just after each slot starts
 * (slot = ⌊(now − genesisTimeMs) / slotMs⌋) and calls its listener once per new slot, with the time it
 * actually fired (a busy event loop fires late; the listener decides whether that is too late).
 */
import { slotAt, slotStartMs } from '../../chain/params.ts';
import type { ChainSpec } from '../../chain/spec/types.ts';

/** Example: `const c = new SlotClock(spec, Date.now, (slot, now) => ...); c.start(); ... c.stop()`. */
export class SlotClock {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private lastSlot = -1;

  constructor(
    private readonly spec: Pick<ChainSpec, 'genesisTimeMs' | 'slotMs'>,
    private readonly now: () => number,
    private readonly onSlot: (slot: number, nowMs: number) => void,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  /** Starts the timer (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm();
  }

  /** Stops the timer. */
  stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (!this.running) return;
    const now = this.now();
    const next = slotStartMs(this.spec, slotAt(this.spec, now) + 1);
    this.timer = setTimeout(() => this.fire(), Math.max(1, next - now + 1));
  }

  private fire(): void {
    this.timer = undefined;
    if (!this.running) return;
    const now = this.now();
    const slot = slotAt(this.spec, now);
    if (slot > this.lastSlot) {
      this.lastSlot = slot;
      try {
        this.onSlot(slot, now);
      } catch (e) {
        this.onError(e);
      }
    }
    this.arm();
  }
}
