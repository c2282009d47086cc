/**
 * A small seeded pseudo-random generator for the simulator (sfc32 seeded through splitmix32): the
 * same seed gives the same run on every machine. Integer-only API, so runs never depend on floating
 * point rounding.
 */

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Deterministic random numbers. Example: `new Prng(7).int(0, 10)` is the same number on every run. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const sm = splitmix32(seed);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** The next 32-bit unsigned value. */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** An integer in [lo, hi) (hi > lo). */
  int(lo: number, hi: number): number {
    const span = hi - lo;
    if (!(span > 0)) throw new RangeError(`empty range [${lo}, ${hi})`);
    return lo + (this.next() % span);
  }

  /** True with probability num/den. */
  chance(num: number, den: number): boolean {
    return this.next() % den < num;
  }

  /** One element of a non-empty array. */
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length)]!;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(xs: readonly T[]): T[] {
    const out = xs.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** An independent generator derived from this one (for per-node or per-link streams). */
  fork(): Prng {
    return new Prng(this.next());
  }
}
