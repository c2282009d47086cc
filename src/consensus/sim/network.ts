/**
 * The simulated network: per-link base delay plus jitter, an optional heavy tail of late messages,
 * random drops, and partitions (messages between different groups are lost while a partition
 * holds). Random delays reorder messages naturally. Every choice comes from the seeded PRNG.
 */
import type { Prng } from './prng.ts';

/** Delay and loss settings. */
export interface NetProfile {
  /** Base one-way delay range of a link, chosen once per link (ms). */
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** Extra random delay per message, 0..jitterMs. */
  readonly jitterMs: number;
  /** Per mille of messages that get an extra 0..tailMaxMs delay. */
  readonly tailPerMille: number;
  readonly tailMaxMs: number;
  /** Per mille of messages dropped. */
  readonly dropPerMille: number;
}

/** A calm LAN-like network: 5–40 ms, no loss. */
export const SYNCHRONOUS: NetProfile = { minDelayMs: 5, maxDelayMs: 40, jitterMs: 10, tailPerMille: 0, tailMaxMs: 0, dropPerMille: 0 };

/** An unfriendly network: WAN delays, 10% of messages up to 1.5 s late, 2% lost. */
export const ADVERSARIAL: NetProfile = { minDelayMs: 20, maxDelayMs: 150, jitterMs: 80, tailPerMille: 100, tailMaxMs: 1500, dropPerMille: 20 };

/** Link delays and partitions between `n` nodes. */
export class Network {
  private readonly base: number[][];
  private group: number[] | undefined;

  constructor(
    readonly n: number,
    private readonly profile: NetProfile,
    private readonly rng: Prng,
  ) {
    this.base = [];
    for (let i = 0; i < n; i++) {
      const row: number[] = [];
      for (let j = 0; j < n; j++) row.push(i === j ? 0 : rng.int(profile.minDelayMs, profile.maxDelayMs + 1));
      this.base.push(row);
    }
  }

  /** Splits the nodes into groups (node indices); `undefined` heals the network. */
  partition(groups: readonly (readonly number[])[] | undefined): void {
    if (groups === undefined) {
      this.group = undefined;
      return;
    }
    const g = new Array<number>(this.n).fill(-1);
    groups.forEach((members, gi) => members.forEach((m) => (g[m] = gi)));
    this.group = g;
  }

  /** True when a partition separates `from` and `to`. */
  separated(from: number, to: number): boolean {
    return this.group !== undefined && this.group[from] !== this.group[to];
  }

  /** The delivery delay of one message, or undefined when it is lost. */
  delay(from: number, to: number): number | undefined {
    if (from === to) return 0;
    if (this.separated(from, to)) return undefined;
    const p = this.profile;
    if (p.dropPerMille > 0 && this.rng.chance(p.dropPerMille, 1000)) return undefined;
    let d = this.base[from]![to]! + (p.jitterMs > 0 ? this.rng.int(0, p.jitterMs + 1) : 0);
    if (p.tailPerMille > 0 && this.rng.chance(p.tailPerMille, 1000)) d += this.rng.int(0, p.tailMaxMs + 1);
    return d;
  }
}
