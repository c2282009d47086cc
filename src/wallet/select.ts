/**
 * Coin selection, pure and deterministic. Each candidate has an effective value: its value minus the
 * fee its own input costs at the chosen rate. The selected effective values must cover `target` (the
 * outputs plus the fee of the transaction without inputs, less any inputs fixed by the caller).
 *
 * 1. Branch and bound: a depth-first search over the candidates, largest first, for a set whose sum
 *    lands in `[target, target + changeCost + minChange)`: close enough that a change output would be
 *    dust or would cost more than it saves, so the transaction has no change and the small excess goes
 *    to the fee. The smallest excess wins (then fewer inputs); an exact match ends the search.
 * 2. Otherwise largest first: add the largest coins until the excess pays for a change output of at
 *    least `minChange`, or until the coins run out (then a small excess is folded into the fee).
 */

/** A coin as selection sees it. */
export interface SelectionCandidate {
  readonly value: bigint;
  /** Fee its input adds at the chosen rate, rounded up (0 when the outputs pay the fee). */
  readonly inputFee: bigint;
}

/** What to select for. */
export interface SelectionParams {
  readonly candidates: readonly SelectionCandidate[];
  /** Sum the selected effective values must reach. May be ≤ 0 (fixed inputs already cover everything). */
  readonly target: bigint;
  /** Fee of adding the change output. */
  readonly changeCost: bigint;
  /** Smallest change output worth creating (its dust threshold; at least 1). */
  readonly minChange: bigint;
  /** Most inputs the transaction may take (size limit). */
  readonly maxInputs: number;
  /** Select at least one coin even when `target` ≤ 0 (a transaction needs an input). */
  readonly atLeastOne: boolean;
  /** Search steps of branch and bound (default 100,000). */
  readonly maxTries?: number;
}

/** The outcome of `selectCoins`. */
export type SelectionResult =
  | {
      readonly ok: true;
      /** Indices into `candidates`. */
      readonly selected: readonly number[];
      /** Σ effective values − target. */
      readonly excess: bigint;
      /** Whether the excess pays for a change output worth at least `minChange`. */
      readonly change: boolean;
      readonly method: 'none' | 'bnb' | 'largest-first';
    }
  | {
      readonly ok: false;
      readonly reason: 'insufficient' | 'too-many-inputs';
      /** Σ effective values of the usable candidates. */
      readonly available: bigint;
    };

/** Default branch-and-bound step budget. */
export const BNB_MAX_TRIES = 100_000;

/**
 * Chooses coins. Example: `selectCoins({ candidates, target: 150_000n, changeCost: 34n, minChange: 546n,
 * maxInputs: 600, atLeastOne: true })`.
 */
export function selectCoins(p: SelectionParams): SelectionResult {
  const order: number[] = [];
  for (let i = 0; i < p.candidates.length; i++) if (effective(p.candidates[i]!) > 0n) order.push(i);
  // Largest effective value first; ties by input position, so the result depends only on the input.
  order.sort((a, b) => {
    const d = effective(p.candidates[b]!) - effective(p.candidates[a]!);
    return d > 0n ? 1 : d < 0n ? -1 : a - b;
  });
  const ev = order.map((i) => effective(p.candidates[i]!));
  let available = 0n;
  for (const v of ev) available += v;
  const changeThreshold = p.changeCost + (p.minChange > 0n ? p.minChange : 1n);

  if (p.target <= 0n) {
    if (!p.atLeastOne) return { ok: true, selected: [], excess: -p.target, change: -p.target >= changeThreshold, method: 'none' };
    if (order.length === 0 || p.maxInputs < 1) return { ok: false, reason: 'insufficient', available };
    const excess = -p.target + ev[ev.length - 1]!;
    return { ok: true, selected: [order[order.length - 1]!], excess, change: excess >= changeThreshold, method: 'none' };
  }
  if (available < p.target) return { ok: false, reason: 'insufficient', available };

  const bnb = branchAndBound(ev, p.target, p.target + changeThreshold - 1n, p.maxInputs, p.maxTries ?? BNB_MAX_TRIES);
  if (bnb !== undefined) {
    return { ok: true, selected: bnb.picks.map((k) => order[k]!), excess: bnb.sum - p.target, change: false, method: 'bnb' };
  }

  const picks: number[] = [];
  let sum = 0n;
  for (let k = 0; k < order.length && picks.length < p.maxInputs; k++) {
    picks.push(order[k]!);
    sum += ev[k]!;
    if (sum >= p.target + changeThreshold) break;
  }
  if (sum < p.target) return { ok: false, reason: 'too-many-inputs', available };
  const excess = sum - p.target;
  return { ok: true, selected: picks, excess, change: excess >= changeThreshold, method: 'largest-first' };
}

function effective(c: SelectionCandidate): bigint {
  return c.value - c.inputFee;
}

/**
 * Depth-first search over `v` (sorted descending), including before excluding, for a subset with a sum
 * in [lo, hi] and at most `maxCount` elements; the smallest sum wins, then the fewest elements.
 * Equal neighbours are not tried in both orders (including v[i] after excluding an equal v[i-1]
 * would repeat a subset already seen).
 */
function branchAndBound(v: readonly bigint[], lo: bigint, hi: bigint, maxCount: number, maxTries: number): { picks: number[]; sum: bigint } | undefined {
  const n = v.length;
  const rest: bigint[] = new Array<bigint>(n + 1);
  rest[n] = 0n;
  for (let i = n - 1; i >= 0; i--) rest[i] = rest[i + 1]! + v[i]!;
  const included: boolean[] = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  let best: { picks: number[]; sum: bigint } | undefined;
  let sum = 0n;
  let i = 0;
  for (let tries = 0; tries < maxTries; tries++) {
    let back = false;
    if (sum > hi || sum + rest[i]! < lo) {
      back = true;
    } else if (sum >= lo) {
      if (best === undefined || sum < best.sum || (sum === best.sum && stack.length < best.picks.length)) best = { picks: stack.slice(), sum };
      if (sum === lo) break;
      back = true;
    } else if (i >= n || stack.length >= maxCount) {
      back = true;
    }
    if (!back) {
      if (i > 0 && !included[i - 1] && v[i] === v[i - 1]) {
        i++; // the same subset with v[i-1] in place of v[i] was explored already
      } else {
        stack.push(i);
        included[i] = true;
        sum += v[i]!;
        i++;
      }
      continue;
    }
    const j = stack.pop();
    if (j === undefined) break;
    included[j] = false;
    sum -= v[j]!;
    i = j + 1;
  }
  return best;
}
