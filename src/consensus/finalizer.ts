/**
 * The finalizer's voting rules (§5.4) as a pure state machine over the persisted FinalizerSafety.
 * `decidePrepare` / `decideCommit` read the FSI and a view of the candidate block and return either a
 * refusal naming the rule, or the new FSI. The caller persists (fsyncs) that FSI, then adopts it and
 * sends the vote — in that order, so a crash can never leave a sent vote the FSI does not know about.
 *
 * Why this is safe with fewer than n/3 byzantine producers (from CONSENSUS.md §5.4):
 * - Two quorums share ≥ 2q − n ≥ f + 1 members, so at least one honest member.
 * - No two PREPARE certificates for different blocks in one slot (an honest member of both would have
 *   broken P2); the same for COMMIT (C3).
 * - Lemma: if a COMMIT certificate on B exists, every block C with a PREPARE certificate and
 *   C.slot > B.slot extends B. Take the smallest-slot counterexample C and an honest h that signed
 *   both COMMIT(B) and PREPARE(C). If h prepared C first, C2 forbids the later COMMIT(B) (the
 *   otherBranchLatestSlot bookkeeping remembers any excursion above B.slot off B's branch). If h
 *   committed B first, its lock L has L.slot ≥ B.slot and a PREPARE certificate; P3 says C extends L
 *   (so C extends B by minimality) or C.justify has a PREPARE certificate at a slot in (L.slot, C.slot)
 *   (by minimality it extends B, so C does). Contradiction either way.
 * - Theorem: two conflicting blocks never both get COMMIT certificates, so honest LIBs lie on one chain.
 * Safety reads no clock, only signed slot numbers; `nowSlot` only bounds how far ahead we vote (P1).
 *
 * C2 is implemented as `otherBranchLatestSlot < B.slot && (lastPrepare = none || lastPrepare.slot ≤
 * B.slot || extends(lastPrepare, B))`. The first conjunct is implied whenever lastPrepare exists
 * (otherBranchLatestSlot < lastPrepare.slot) and makes the amnesia FSI refuse commits on blocks older
 * than the restart (§5.10 step 3).
 *
 * §5.10 step 5 ("vote only on blocks at slots ≥ startupSlot") applies to both phases: P2 refuses a
 * PREPARE below the startup slot and C3 a COMMIT below it, whether or not the FSI survived.
 */
import type { BlockRef } from '../chain/block/types.ts';
import { CLOCK_TOLERANCE_SLOTS } from './params.ts';
import { showRef } from './refs.ts';
import type { FinalizerSafety, VirtualLock } from './types.ts';

/** "extends(a, b)": b is a or an ancestor of a. Supplied by the fork database. */
export type Extends = (a: BlockRef, b: BlockRef) => boolean;

/** What the finalizer needs to know about a candidate block. */
export interface CandidateBlock {
  readonly ref: BlockRef;
  /** The block's `justify` claim (a verified PREPARE certificate on an ancestor, or the null reference). */
  readonly justify: BlockRef;
  /** True when this node fully validated the block (applied its transactions). */
  readonly validated: boolean;
}

/** The node's situation when it considers a vote. */
export interface VoteEnvironment {
  /** The current slot by the local clock (only bounds P1's look-ahead). */
  readonly nowSlot: number;
  /** The first slot this process may vote at (§5.10: now_slot + 1 at startup). */
  readonly startupSlot: number;
  /** The node's LIB. */
  readonly lib: BlockRef;
  readonly extends: Extends;
}

/**
 * Test-only switches that disable a rule, so the simulator can show that its checks catch the unsafe
 * behaviour that follows. Never set them on a real node.
 */
export interface RuleMutations {
  readonly skipP3?: boolean;
  readonly skipC2?: boolean;
}

/** The outcome of a vote decision: the FSI to persist before sending, or which rule refused. */
export type VoteDecision =
  | { readonly vote: true; readonly fsi: FinalizerSafety }
  | { readonly vote: false; readonly rule: 'P1' | 'P2' | 'P3' | 'C1' | 'C2' | 'C3'; readonly reason: string };

/**
 * The first slot a (re)started finalizer may vote at. CONSENSUS.md §5.10 says now_slot + 1; we use
 * now_slot + 1 + CLOCK_TOLERANCE because before the restart the node may have prepared a block at
 * now_slot + 1 (P1 allows that much look-ahead), and after amnesia it must not prepare that slot again.
 */
export function startupSlotFor(nowSlot: number): number {
  return nowSlot + 1 + CLOCK_TOLERANCE_SLOTS;
}

/** The FSI of a finalizer that never voted. */
export const INITIAL_FSI: FinalizerSafety = Object.freeze({ lastPrepare: null, lastCommitSlot: 0, lock: null, otherBranchLatestSlot: 0 });

/**
 * The amnesia FSI of §5.10 step 3 (the FSI file is missing or corrupt): no COMMIT on anything before
 * the restart, and a virtual lock only a certificate formed after startup can pass.
 * Example: `amnesiaFsi(1001).lock` is `{id: null, slot: 1000}`.
 */
export function amnesiaFsi(startupSlot: number): FinalizerSafety {
  const s = Math.max(0, startupSlot - 1);
  const lock: VirtualLock = { id: null, slot: s };
  return { lastPrepare: null, lastCommitSlot: 0, lock, otherBranchLatestSlot: s };
}

function lockExtendedBy(x: BlockRef, lock: FinalizerSafety['lock'], ext: Extends): boolean {
  if (lock === null) return true;
  if (lock.id === null) return false;
  return ext(x, lock);
}

/**
 * PREPARE(X) rules P1–P3 (see the file comment) and the FSI update:
 * otherBranchLatestSlot := max(·, lastPrepare.slot) when X does not extend lastPrepare; lastPrepare := X.
 */
export function decidePrepare(fsi: FinalizerSafety, x: CandidateBlock, env: VoteEnvironment, mut: RuleMutations = {}): VoteDecision {
  if (!x.validated) return { vote: false, rule: 'P1', reason: `${showRef(x.ref)} is not fully validated` };
  if (!env.extends(x.ref, env.lib)) return { vote: false, rule: 'P1', reason: `${showRef(x.ref)} does not descend from LIB ${showRef(env.lib)}` };
  if (x.ref.slot > env.nowSlot + CLOCK_TOLERANCE_SLOTS) return { vote: false, rule: 'P1', reason: `slot ${x.ref.slot} is in the future` };
  if (fsi.lastPrepare !== null && !(x.ref.slot > fsi.lastPrepare.slot)) {
    return { vote: false, rule: 'P2', reason: `already prepared slot ${fsi.lastPrepare.slot}` };
  }
  if (x.ref.slot < env.startupSlot) return { vote: false, rule: 'P2', reason: `slot ${x.ref.slot} is before startup slot ${env.startupSlot}` };
  if (mut.skipP3 !== true && fsi.lock !== null) {
    const safe = lockExtendedBy(x.ref, fsi.lock, env.extends);
    const live = x.justify.slot > fsi.lock.slot;
    if (!safe && !live) {
      return { vote: false, rule: 'P3', reason: `${showRef(x.ref)} does not extend the lock (slot ${fsi.lock.slot}) and justifies only slot ${x.justify.slot}` };
    }
  }
  let other = fsi.otherBranchLatestSlot;
  if (fsi.lastPrepare !== null && !env.extends(x.ref, fsi.lastPrepare)) other = Math.max(other, fsi.lastPrepare.slot);
  return { vote: true, fsi: { ...fsi, lastPrepare: x.ref, otherBranchLatestSlot: other } };
}

/**
 * COMMIT(B) rules C1–C3 (see the file comment; C3 also refuses slots below the startup slot) and the FSI update: lastCommitSlot := B.slot;
 * lock := B when B.slot > lock.slot. `hasPrepareQc` is whether this node holds a valid PREPARE
 * certificate on B.
 */
export function decideCommit(
  fsi: FinalizerSafety,
  b: CandidateBlock,
  hasPrepareQc: boolean,
  env: VoteEnvironment,
  mut: RuleMutations = {},
): VoteDecision {
  if (!hasPrepareQc) return { vote: false, rule: 'C1', reason: `no PREPARE certificate on ${showRef(b.ref)}` };
  if (!b.validated) return { vote: false, rule: 'C1', reason: `${showRef(b.ref)} is not fully validated` };
  if (mut.skipC2 !== true) {
    if (!(fsi.otherBranchLatestSlot < b.ref.slot)) {
      return { vote: false, rule: 'C2', reason: `prepared on another branch at slot ${fsi.otherBranchLatestSlot} ≥ ${b.ref.slot}` };
    }
    const lp = fsi.lastPrepare;
    if (lp !== null && lp.slot > b.ref.slot && !env.extends(lp, b.ref)) {
      return { vote: false, rule: 'C2', reason: `last PREPARE ${showRef(lp)} is later than ${showRef(b.ref)} and not its descendant` };
    }
  }
  if (!(b.ref.slot > fsi.lastCommitSlot)) return { vote: false, rule: 'C3', reason: `already committed slot ${fsi.lastCommitSlot}` };
  if (b.ref.slot < env.startupSlot) return { vote: false, rule: 'C3', reason: `slot ${b.ref.slot} is before startup slot ${env.startupSlot}` };
  const lock = fsi.lock === null || b.ref.slot > fsi.lock.slot ? b.ref : fsi.lock;
  return { vote: true, fsi: { ...fsi, lastCommitSlot: b.ref.slot, lock } };
}

/**
 * A finalizer: the FSI plus its startup slot. Decisions do not change it; `adopt` does, after the
 * caller has persisted the decided FSI.
 * Example: `const d = f.decidePrepare(x, env); if (d.vote) { await save(encodeFsi(d.fsi)); f.adopt(d.fsi); send(vote) }`.
 */
export class Finalizer {
  private current: FinalizerSafety;

  constructor(
    fsi: FinalizerSafety,
    readonly startupSlot: number,
    readonly mutations: RuleMutations = {},
  ) {
    this.current = fsi;
  }

  /** The FSI in force. */
  get fsi(): FinalizerSafety {
    return this.current;
  }

  /** P1–P3 against the current FSI (`env.startupSlot` is this finalizer's). */
  decidePrepare(x: CandidateBlock, env: Omit<VoteEnvironment, 'startupSlot'>): VoteDecision {
    return decidePrepare(this.current, x, { ...env, startupSlot: this.startupSlot }, this.mutations);
  }

  /** C1–C3 against the current FSI. */
  decideCommit(b: CandidateBlock, hasPrepareQc: boolean, env: Omit<VoteEnvironment, 'startupSlot'>): VoteDecision {
    return decideCommit(this.current, b, hasPrepareQc, { ...env, startupSlot: this.startupSlot }, this.mutations);
  }

  /** Makes a decided (and persisted) FSI the current one. */
  adopt(fsi: FinalizerSafety): void {
    this.current = fsi;
  }
}
