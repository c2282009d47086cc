/**
 * What the RPC methods see of a networked node's consensus engine: a plain-data snapshot of finality
 * (head, proposed LIB, LIB with its certificate, schedules, per-producer participation, clock check),
 * finality latency figures, the peers, and the schedules the node knows. A node without the engine
 * (`cchost dev`, one producer finalizing alone) has none; the methods then describe the dev chain's
 * instant finality from the chain itself.
 */
import type { BlockRef, QC, Schedule } from '../../chain/block/types.ts';
import type { NodeContext } from './context.ts';

/** One producer's participation (src/node/consensus/participation.ts computes it). */
export interface ParticipationView {
  readonly name: string;
  /** Member of the pending schedule only. */
  readonly pendingOnly: boolean;
  readonly produced: number;
  readonly missed: number;
  readonly missedInARow: number;
  readonly standby: boolean;
  /** Slot of the latest vote received from it (0 = none yet). */
  readonly lastVoteSlot: number;
  /** Local time (unix ms) of that vote (0 = none). */
  readonly lastVoteMs: number;
  /** Recently finalized blocks whose vote from it this node received, of `blocks`. */
  readonly voted: number;
  readonly blocks: number;
  /** COMMIT certificates it signed among the last `certificates` this node saw. */
  readonly signed: number;
  readonly certificates: number;
}

/** The finality picture of a networked node. */
export interface FinalitySnapshot {
  readonly mode: 'producer' | 'full' | 'light';
  /** The producer name of this node (producers only). */
  readonly name: string | undefined;
  readonly head: BlockRef;
  readonly headProducer: string;
  readonly proposedLib: BlockRef;
  readonly lib: BlockRef;
  readonly libQc: QC | undefined;
  readonly active: Schedule;
  readonly pending: Schedule | undefined;
  readonly participation: readonly ParticipationView[];
  /** Our clock against the producers' (from block arrival times). */
  readonly clock: { readonly offsetMs: number | undefined; readonly producers: number; readonly skewed: boolean; readonly limitMs: number };
  /** Production of this node (producers only). */
  readonly production: { readonly lastProducedSlot: number; readonly produced: number; readonly lastRefusal: { readonly slot: number; readonly reason: string; readonly detail?: string } | undefined } | undefined;
  readonly startupSlot: number | undefined;
  readonly forkDbBlocks: number;
  readonly orphans: number;
  /** Evidence items waiting to be put into blocks. */
  readonly evidence: number;
  /** Misbehaviour (double votes, double production) this node has seen since it started. */
  readonly equivocations: number;
  readonly votesSent: number;
  readonly syncing: boolean;
  readonly peers: number;
}

/** Percentiles of a sample (undefined when empty). */
export interface PercentilesView {
  readonly count: number;
  readonly p50: number | undefined;
  readonly p90: number | undefined;
  readonly p99: number | undefined;
  readonly max: number | undefined;
}

/** Finality latency as this node measured it. */
export interface FinalityStatsView {
  /** Slot start → final here (ms) of recently finalized blocks above `sinceHeight`. */
  latency(sinceHeight: number): PercentilesView;
  /** head − LIB at recent slot starts (blocks), the last `samples`. */
  lag(samples: number): PercentilesView;
  /** Recently finalized blocks: height, slot start and final time (unix ms), oldest first. */
  recent(limit: number): readonly { readonly num: number; readonly slot: number; readonly slotStartMs: number; readonly finalMs: number }[];
}

/** A connected peer, as `getpeerinfo` shows it. */
export interface PeerView {
  readonly id: string;
  readonly name: string;
  readonly producer: boolean;
  readonly address: string;
  readonly direction: 'inbound' | 'outbound';
  readonly agent: string;
  readonly connectedAt: number;
  readonly head: BlockRef;
  readonly lib: BlockRef;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly score: number;
  readonly rttMs: number | undefined;
}

/** The consensus engine as the RPC methods use it. */
export interface FinalityView {
  status(): FinalitySnapshot;
  readonly stats: FinalityStatsView;
  peers(): readonly PeerView[];
  /** Schedules the node knows (to verify certificates against). */
  schedules(): readonly Schedule[];
  /** The P2P listen URL, when listening. */
  p2pUrl(): string | undefined;
}

/** A node context that may carry the consensus engine's view (networked nodes do). */
export type FinalityNodeContext = NodeContext & { readonly finality?: FinalityView | undefined };
