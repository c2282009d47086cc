/**
 * Collects votes and forms quorum certificates (§5.4). Votes are checked against the voted block's
 * voting sets (versions, membership, signature); each member counts once per block and phase; a
 * certificate forms when the active set — and, while the block has a pending schedule, the pending set
 * too — reaches quorum (dual quorum, §5.5). A member of both sets signs once and counts in both.
 *
 * Two checked votes of one voter and phase for one slot on different blocks yield double-vote
 * evidence. Votes for blocks the node does not know yet are parked until `blockKnown`.
 */
import type { BlockRef, Evidence, Phase, QC } from '../chain/block/types.ts';
import type { ErrorData } from '../util/errors.ts';
import { equalBytes } from '../util/bytes.ts';
import { assembleQc } from './certificate.ts';
import { ConsensusErrorCode } from './errors.ts';
import { doubleVoteEvidence } from './evidence.ts';
import { quorum } from './params.ts';
import { idKey } from './refs.ts';
import type { SignatureScheme } from './scheme.ts';
import type { HeaderState, Vote } from './types.ts';
import { checkVote, votingSets } from './votes.ts';
import type { VotingSets } from './votes.ts';

/** What adding a vote did. */
export interface VoteOutcome {
  readonly status: 'counted' | 'duplicate' | 'parked' | 'rejected' | 'stale';
  /** A certificate this vote completed (reported once per block and phase). */
  readonly qc?: QC;
  /** Double-vote evidence this vote revealed. */
  readonly evidence?: Evidence;
  /** Why the vote was rejected. */
  readonly error?: ErrorData;
}

interface Tally {
  readonly block: BlockRef;
  readonly sets: VotingSets;
  readonly active: Map<number, Uint8Array>;
  readonly pending: Map<number, Uint8Array>;
  qc: QC | undefined;
}

/** Options of the aggregator. */
export interface AggregatorOptions {
  readonly chainId: Uint8Array;
  readonly scheme: SignatureScheme;
  /** Most parked votes kept (oldest dropped first; default 4096). */
  readonly maxParked?: number;
}

/**
 * Vote collection and certificate formation for one node.
 * Example: `const out = agg.add(vote, db.get(vote.block.id)?.state); if (out.qc) db.markQc(out.qc)`.
 */
export class QcAggregator {
  private readonly tallies = new Map<string, Tally>();
  private readonly firstVote = new Map<string, Vote>();
  private readonly parked = new Map<string, Vote[]>();
  private parkedCount = 0;
  private floorSlot = 0;
  private readonly maxParked: number;

  constructor(private readonly opts: AggregatorOptions) {
    this.maxParked = opts.maxParked ?? 4096;
  }

  /**
   * Adds a vote. `state` is the voted block's header state, or undefined when the block is unknown
   * (the vote is parked). Votes below `pruneBelow`'s slot are `stale`.
   */
  add(vote: Vote, state: HeaderState | undefined): VoteOutcome {
    if (vote.block.slot < this.floorSlot) return { status: 'stale' };
    const bkey = idKey(vote.block.id);
    if (state === undefined) {
      const k = bkey;
      const list = this.parked.get(k) ?? [];
      list.push(vote);
      this.parked.set(k, list);
      this.parkedCount++;
      while (this.parkedCount > this.maxParked) {
        const [oldKey, oldList] = this.parked.entries().next().value!;
        this.parked.delete(oldKey);
        this.parkedCount -= oldList.length;
      }
      return { status: 'parked' };
    }
    const sets = votingSets(this.opts.chainId, state);
    const tkey = `${vote.phase}:${bkey}`;
    const tally = this.tallies.get(tkey);
    const seat = checkVote(vote, sets, this.opts.scheme);
    if (!seat.ok) return { status: 'rejected', error: seat.error };
    if (vote.block.num !== state.ref.num || vote.block.slot !== state.ref.slot) {
      return { status: 'rejected', error: { code: ConsensusErrorCode.VOTE_WRONG_VERSION, message: 'the vote names the block with another number or slot' } };
    }
    let evidence: Evidence | undefined;
    const vkey = `${vote.phase}:${vote.voter}:${vote.block.slot}`;
    const first = this.firstVote.get(vkey);
    if (first === undefined) this.firstVote.set(vkey, vote);
    else if (!equalBytes(first.block.id, vote.block.id)) evidence = doubleVoteEvidence(first, vote);

    const t: Tally = tally ?? { block: state.ref, sets, active: new Map(), pending: new Map(), qc: undefined };
    if (tally === undefined) this.tallies.set(tkey, t);
    const { activeIndex, pendingIndex } = seat.value;
    const isNew = (activeIndex >= 0 && !t.active.has(activeIndex)) || (pendingIndex >= 0 && !t.pending.has(pendingIndex));
    if (!isNew) return { status: 'duplicate', ...(evidence ? { evidence } : {}) };
    if (activeIndex >= 0) t.active.set(activeIndex, vote.sig);
    if (pendingIndex >= 0) t.pending.set(pendingIndex, vote.sig);
    let qc: QC | undefined;
    if (t.qc === undefined && this.hasQuorum(t)) {
      t.qc = assembleQc(vote.phase, t.block, t.sets, t.active, t.sets.pending ? t.pending : undefined);
      qc = t.qc;
    }
    return { status: 'counted', ...(qc ? { qc } : {}), ...(evidence ? { evidence } : {}) };
  }

  private hasQuorum(t: Tally): boolean {
    if (t.active.size < quorum(t.sets.active.producers.length)) return false;
    if (t.sets.pending !== undefined && t.pending.size < quorum(t.sets.pending.producers.length)) return false;
    return true;
  }

  /** Re-processes votes parked for a block that is now known; returns their outcomes. */
  blockKnown(state: HeaderState): VoteOutcome[] {
    const k = idKey(state.ref.id);
    const list = this.parked.get(k);
    if (list === undefined) return [];
    this.parked.delete(k);
    this.parkedCount -= list.length;
    return list.map((v) => this.add(v, state));
  }

  /** The certificate formed for a block and phase, if any. */
  qcFor(phase: Phase, id: Uint8Array): QC | undefined {
    return this.tallies.get(`${phase}:${idKey(id)}`)?.qc;
  }

  /** Ids (hex) of blocks with parked votes (a node may fetch them). */
  parkedBlocks(): string[] {
    return [...this.parked.keys()];
  }

  /** Forgets everything about slots below `slot` (call when the LIB advances). */
  pruneBelow(slot: number): void {
    if (slot <= this.floorSlot) return;
    this.floorSlot = slot;
    for (const [k, t] of this.tallies) if (t.block.slot < slot) this.tallies.delete(k);
    for (const [k, v] of this.firstVote) if (v.block.slot < slot) this.firstVote.delete(k);
    for (const [k, list] of this.parked) {
      const kept = list.filter((v) => v.block.slot >= slot);
      this.parkedCount -= list.length - kept.length;
      if (kept.length === 0) this.parked.delete(k);
      else this.parked.set(k, kept);
    }
  }
}
