/**
 * Consensus parameters of CONSENSUS.md §5.1 that are not part of the chain spec, and the quorum
 * arithmetic. Slot length and turn length come from the chain spec (`slotMs`, `turnLength`).
 */

/** Blocks whose slot is more than this many slots ahead of now are ignored (CLOCK_TOLERANCE). */
export const CLOCK_TOLERANCE_SLOTS = 1;

/** A producer seals and broadcasts its block within this many ms of its slot's start (PRODUCE_BUDGET_MS). */
export const PRODUCE_BUDGET_MS = 200;

/** A producer pauses when head − LIB exceeds this many blocks (MAX_REVERSIBLE, Spring's default). */
export const MAX_REVERSIBLE = 3600;

/** A producer pauses when no other producer's vote arrived for this long (VOTE_SILENCE_PAUSE). */
export const VOTE_SILENCE_PAUSE_MS = 6000;

/** Slots between regular elections (ELECTION_INTERVAL, 60 s). */
export const ELECTION_INTERVAL_SLOTS = 120;

/** Own slots missed in a row after which a producer is demoted to standby (two 12-slot turns). */
export const DEMOTE_AFTER_MISSED_SLOTS = 24;

/** Fewest producers a proposed schedule may list (§5.5 step 3). */
export const MIN_PROPOSED_PRODUCERS = 4;

/**
 * Quorum size q(n) = floor(2n/3) + 1: the fewest distinct signers of a valid certificate.
 * Example: `quorum(4) === 3`, `quorum(7) === 5`, `quorum(21) === 15`.
 */
export function quorum(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`schedule size must be a positive integer, got ${n}`);
  return Math.floor((2 * n) / 3) + 1;
}

/**
 * Byzantine producers tolerated, f = floor((n − 1) / 3). Example: `maxFaulty(21) === 6`.
 * Two quorums share at least 2q − n ≥ f + 1 members (`quorumOverlap`).
 */
export function maxFaulty(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`schedule size must be a positive integer, got ${n}`);
  return Math.floor((n - 1) / 3);
}

/**
 * The fewest members two quorums of an n-member schedule share, 2q(n) − n: this many byzantine signers
 * are needed to certify two conflicting blocks. Equals f + 1 when n = 3f + 1 (n = 4, 7); 9 for n = 21.
 */
export function quorumOverlap(n: number): number {
  return 2 * quorum(n) - n;
}
