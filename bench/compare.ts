/**
 * Paired throughput measurement for benchmarks that report a ratio against a baseline measured in the
 * same run. Both sides run in `rounds` rounds of about `windowMs` each; inside a round they alternate
 * pass by pass (one pass is a few milliseconds), so a burst of load from other processes lands on both,
 * and the side that starts each pair alternates too.
 */

/** One side: a pass runs some operations and returns how many. */
export type Pass = () => number;

/** Options of `comparePasses`. */
export interface CompareOptions {
  readonly warmupMs: number;
  readonly rounds: number;
  readonly windowMs: number;
}

function timed(pass: Pass): [number, bigint] {
  const t0 = process.hrtime.bigint();
  const ops = pass();
  return [ops, process.hrtime.bigint() - t0];
}

/** Operations per second of `subject` and `baseline`, measured interleaved (see the file comment). */
export function comparePasses(subject: Pass, baseline: Pass, opts: CompareOptions): { subject: number; baseline: number; ratio: number } {
  const warmEnd = process.hrtime.bigint() + BigInt(opts.warmupMs) * 1_000_000n;
  while (process.hrtime.bigint() < warmEnd) {
    subject();
    baseline();
  }
  const ops = [0, 0];
  const ns = [0n, 0n];
  let flip = false;
  for (let round = 0; round < opts.rounds; round++) {
    const roundEnd = process.hrtime.bigint() + BigInt(opts.windowMs) * 2_000_000n;
    while (process.hrtime.bigint() < roundEnd) {
      flip = !flip;
      const order: [Pass, number][] = flip ? [[subject, 0], [baseline, 1]] : [[baseline, 1], [subject, 0]];
      for (const [pass, side] of order) {
        const [o, n] = timed(pass);
        ops[side]! += o;
        ns[side]! += n;
      }
    }
  }
  const s = ops[0]! / (Number(ns[0]!) / 1e9);
  const b = ops[1]! / (Number(ns[1]!) / 1e9);
  return { subject: s, baseline: b, ratio: s / b };
}
