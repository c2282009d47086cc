/**
 * Data types of the consensus core (CONSENSUS.md §5.2): votes, per-block header state, finalizer
 * safety information and the producer watermark. All plain data, so the node can persist and compare
 * them; block-layer types (BlockRef, QC, Schedule, ...) come from `src/chain/block`.
 */
import type { BlockRef, Phase, Schedule } from '../chain/block/types.ts';

/** A signed vote of one finalizer on one block (signed bytes: see `voteSigningBytes` in src/chain/block/vote.ts). */
export interface Vote {
  readonly phase: Phase;
  readonly block: BlockRef;
  /** The block's active schedule version. */
  readonly activeVersion: number;
  /** The block's pending schedule version (0 = none). */
  readonly pendingVersion: number;
  /** The voter's producer name. */
  readonly voter: string;
  /** 64-byte signature over the vote digest. */
  readonly sig: Uint8Array;
}

/** Per-producer production counters of §5.7, for the members of the active schedule. */
export interface ProducerStats {
  readonly name: string;
  /** Blocks produced on this chain while a member. */
  readonly produced: number;
  /** Own slots without a block on this chain. */
  readonly missed: number;
  /** Own slots missed since the producer's last block on this chain. */
  readonly missedInARow: number;
}

/** Why a producer was demoted to standby. */
export type StandbyReason = 'missed-slots' | 'double-produce' | 'double-prepare' | 'double-commit';

/** A producer demoted to standby on this chain (the election must not pick it until it reactivates). */
export interface StandbyEntry {
  readonly name: string;
  readonly reason: StandbyReason;
  /** Number of the block whose processing demoted it. */
  readonly atNum: number;
}

/** The slot of the latest offence each producer was punished for (evidence at or below it is stale). */
export interface PunishedEntry {
  readonly name: string;
  readonly slot: number;
}

/**
 * Consensus state after a block, a deterministic function of the chain up to it (§5.2). Every node
 * computes the same value for the same block; it lives beside the block in the fork database.
 */
export interface HeaderState {
  /** The block this state is after. */
  readonly ref: BlockRef;
  /** Its producer ('' for genesis). */
  readonly producer: string;
  /** The schedule that produced and votes on this block. */
  readonly active: Schedule;
  /** A schedule waiting to become active; while present, certificates need quorum in both sets. */
  readonly pending?: { readonly schedule: Schedule; readonly madePendingAt: number };
  /** An accepted proposal waiting for its proposing block to become final. */
  readonly proposed?: { readonly schedule: Schedule; readonly proposedAt: number };
  /** The active schedule before the last promotion (kept to check evidence about its members). */
  readonly previous?: Schedule;
  /** Highest schedule version this chain has seen (active, pending or proposed). */
  readonly highestVersion: number;
  /** The best PREPARE certificate claim on this chain (the header's `justify`). */
  readonly chainJustify: BlockRef;
  /** The best COMMIT certificate claim on this chain (the header's `finalRef`): the chain's own LIB. */
  readonly chainLib: BlockRef;
  /** Production counters, one per member of `active`, in schedule order. */
  readonly stats: readonly ProducerStats[];
  /** Producers demoted on this chain, sorted by name. */
  readonly standby: readonly StandbyEntry[];
  /** Latest punished offence per producer, sorted by name. */
  readonly punished: readonly PunishedEntry[];
  /** True when this block demoted someone: the next block's producer should run an election (§5.7). */
  readonly electionDue: boolean;
}

/** A lock without a block, set by the amnesia rule: only a certificate newer than `slot` unlocks (§5.10). */
export interface VirtualLock {
  readonly id: null;
  readonly slot: number;
}

/**
 * Finalizer safety information (§5.4): persisted, and flushed to disk before any vote leaves the node.
 * Slots use 0 for "none" (no vote is ever cast at slot 0, the genesis slot).
 */
export interface FinalizerSafety {
  /** The latest block this finalizer PREPARE-voted. */
  readonly lastPrepare: BlockRef | null;
  /** Slot of the latest COMMIT vote (0 = none). */
  readonly lastCommitSlot: number;
  /** The latest committed block (or a virtual lock after amnesia). */
  readonly lock: BlockRef | VirtualLock | null;
  /** Highest slot of a PREPARE that a later PREPARE did not extend; monotone, never reset. */
  readonly otherBranchLatestSlot: number;
}

/** The producer's persisted watermark: it never signs a second block for a slot ≤ this (§5.3). */
export interface ProducerWatermark {
  readonly lastProducedSlot: number;
}
