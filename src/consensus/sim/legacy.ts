/**
 * The legacy Antelope (DPoS 3.0 + pipelined BFT) irreversibility rule, modelled for the baseline of
 * CONSENSUS.md §5.12 item 9: finality from *implied* confirmations in block headers instead of votes.
 * Written from the description in research/antelope-consensus.md §1.4–1.5:
 *
 * - every block appends a counter "confirmations still needed" = q(n) for itself;
 * - its producer confirms the block itself plus `confirmed` predecessors, where `confirmed` = head −
 *   (the producer's previous block), i.e. everything since its last turn (0 in the rest of its turn);
 *   walking back over those counters, the newest one that reaches zero becomes the proposed LIB (PLIB)
 *   and it and all older counters are dropped;
 * - each producer's "implied irreversible block" is the PLIB its parent block had when it last
 *   produced; LIB = the value at index ⌊(n−1)/3⌋ of those n values sorted ascending (the highest block
 *   at least q(n) producers implicitly called proposed-irreversible).
 *
 * Steady state without faults: every slot has a block, producers take 12-slot turns in order.
 */
import { quorum } from '../params.ts';

/** Lag statistics (head − PLIB and head − LIB, in blocks) over the measured blocks. */
export interface LegacyLag {
  readonly plib: { readonly min: number; readonly max: number; readonly avg: number };
  readonly lib: { readonly min: number; readonly max: number; readonly avg: number };
}

/**
 * Runs the legacy rule for `rotations` full rotations of `n` producers (turns of `turnLength`) and
 * reports the lags measured after `warmupRotations`. Example: `legacyLag(21).lib.min === 325`.
 */
export function legacyLag(n: number, rotations = 8, warmupRotations = 3, turnLength = 12): LegacyLag {
  const required = quorum(n);
  let counters: { num: number; remaining: number }[] = [];
  let plib = 0;
  let lib = 0;
  const lastProduced = new Array<number>(n).fill(0);
  const lastImplied = new Array<number>(n).fill(0);
  const plibLags: number[] = [];
  const libLags: number[] = [];
  const total = rotations * n * turnLength;
  for (let num = 1; num <= total; num++) {
    const p = Math.floor((num - 1) / turnLength) % n;
    const head = num - 1;
    const confirmed = lastProduced[p] === 0 ? 0 : head - lastProduced[p]!;
    const parentPlib = plib;
    counters.push({ num, remaining: required });
    for (let i = counters.length - 1, steps = confirmed + 1; i >= 0 && steps > 0; i--, steps--) {
      const c = counters[i]!;
      c.remaining--;
      if (c.remaining === 0) {
        plib = c.num;
        counters = counters.slice(i + 1);
        break;
      }
    }
    const implied = lastImplied.map((v, q) => (q === p ? parentPlib : v)).sort((a, b) => a - b);
    lib = Math.max(lib, implied[Math.floor((n - 1) / 3)]!);
    lastProduced[p] = num;
    lastImplied[p] = parentPlib;
    if (num > warmupRotations * n * turnLength) {
      plibLags.push(num - plib);
      libLags.push(num - lib);
    }
  }
  const stats = (xs: number[]) => ({ min: Math.min(...xs), max: Math.max(...xs), avg: xs.reduce((a, b) => a + b, 0) / xs.length });
  return { plib: stats(plibLags), lib: stats(libLags) };
}
