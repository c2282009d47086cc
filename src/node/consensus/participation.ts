/**
 * Per-producer participation as an operator sees it: the chain's own counters (blocks produced, own
 * slots missed, missed in a row, standby — from the head's header state, CONSENSUS.md §5.7), the
 * latest vote this node received from each producer, on how many of the recently finalized blocks
 * this node received its vote (either phase), and how many of the recent finality certificates carry
 * its signature (a certificate holds only the first quorum of signatures, so that share is lower).
 */
import { bitmapIndices } from '../../chain/block/qc.ts';
import type { QC } from '../../chain/block/types.ts';
import type { HeaderState, Vote } from '../../consensus/types.ts';
import type { ParticipationView } from '../../rpc/methods/finalityView.ts';
import { toHex } from '../../util/bytes.ts';

/** Finalized blocks and certificates the shares are computed over. */
const WINDOW = 100;
/** Blocks whose voters are tracked before they are final or pruned. */
const MAX_TRACKED = 4096;

/** One producer's participation: the RPC layer's `ParticipationView`. */
export type ProducerParticipation = ParticipationView;

/** Tracks votes and certificate signers. Example: `p.vote(v, now); p.certificate(qc, state); p.report(head.state)`. */
export class Participation {
  private readonly lastVote = new Map<string, { slot: number; ms: number }>();
  private readonly signers: string[][] = [];
  private readonly votersOf = new Map<string, Set<string>>();
  private readonly finalVoters: Set<string>[] = [];

  /** A checked vote arrived (or this node cast it). */
  vote(v: Vote, nowMs: number): void {
    const prev = this.lastVote.get(v.voter);
    if (prev === undefined || v.block.slot >= prev.slot) this.lastVote.set(v.voter, { slot: v.block.slot, ms: nowMs });
    const k = toHex(v.block.id);
    let set = this.votersOf.get(k);
    if (set === undefined) {
      set = new Set();
      this.votersOf.set(k, set);
      if (this.votersOf.size > MAX_TRACKED) this.votersOf.delete(this.votersOf.keys().next().value!);
    }
    set.add(v.voter);
  }

  /** Blocks became final (their voters enter the window) or were pruned (forgotten). */
  finalized(ids: readonly Uint8Array[], pruned: readonly Uint8Array[] = []): void {
    for (const id of ids) {
      const k = toHex(id);
      this.finalVoters.push(this.votersOf.get(k) ?? new Set());
      this.votersOf.delete(k);
      if (this.finalVoters.length > WINDOW) this.finalVoters.shift();
    }
    for (const id of pruned) this.votersOf.delete(toHex(id));
  }

  /** A COMMIT certificate made blocks final; `state` is the certified block's header state. */
  certificate(qc: QC, state: HeaderState): void {
    const names = bitmapIndices(qc.activeBitmap).map((i) => state.active.producers[i]?.name ?? '');
    this.signers.push(names);
    if (this.signers.length > WINDOW) this.signers.shift();
  }

  /** The participation of the members of `head`'s active and pending schedules. */
  report(head: HeaderState): ProducerParticipation[] {
    const members = [...head.active.producers.map((p) => ({ name: p.name, pendingOnly: false }))];
    for (const p of head.pending?.schedule.producers ?? []) if (!members.some((m) => m.name === p.name)) members.push({ name: p.name, pendingOnly: true });
    return members.map(({ name, pendingOnly }) => {
      const st = head.stats.find((s) => s.name === name);
      const v = this.lastVote.get(name);
      let signed = 0;
      for (const list of this.signers) if (list.includes(name)) signed++;
      let voted = 0;
      for (const set of this.finalVoters) if (set.has(name)) voted++;
      return {
        name,
        pendingOnly,
        produced: st?.produced ?? 0,
        missed: st?.missed ?? 0,
        missedInARow: st?.missedInARow ?? 0,
        standby: head.standby.some((s) => s.name === name),
        lastVoteSlot: v?.slot ?? 0,
        lastVoteMs: v?.ms ?? 0,
        voted,
        blocks: this.finalVoters.length,
        signed,
        certificates: this.signers.length,
      };
    });
  }
}
