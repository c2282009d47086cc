/**
 * Block production decisions (§5.3): whether this producer may produce at a slot, and the
 * certificate claims (justify/finalRef with attached certificates) its header must carry.
 */
import type { BlockRef, QC } from '../chain/block/types.ts';
import { CLOCK_TOLERANCE_SLOTS, MAX_REVERSIBLE, VOTE_SILENCE_PAUSE_MS } from './params.ts';
import { regimeFor } from './regime.ts';
import { producerForSlot } from './schedule.ts';
import type { ForkBlock, ForkDb } from './forkDb.ts';
import type { HeaderState, ProducerWatermark } from './types.ts';

/** Everything `mayProduce` looks at. Times are passed in: this module reads no clock. */
export interface ProductionSituation {
  /** This producer's name. */
  readonly producer: string;
  /** The slot to produce at (normally the current slot). */
  readonly slot: number;
  /** The current slot by the local clock. */
  readonly nowSlot: number;
  /** The header state of the block to build on (the best head). */
  readonly parent: HeaderState;
  readonly turnLength: number;
  readonly watermark: ProducerWatermark;
  /** The node's LIB number. */
  readonly libNum: number;
  /** Head is synced (head slot ≥ now − 2, or we hold the latest announced head). */
  readonly synced: boolean;
  /** Local time now and of the last vote from another producer (undefined = none yet, e.g. bootstrap). */
  readonly nowMs?: number;
  readonly lastOtherVoteMs?: number | undefined;
  /** False while bootstrapping (vote-silence check off). Default true. */
  readonly bootstrapped?: boolean;
  /** Head − LIB bound (default MAX_REVERSIBLE). */
  readonly maxReversible?: number;
}

/** Why a producer does not produce. */
export type ProductionRefusal = 'not-scheduled' | 'watermark' | 'slot-not-after-parent' | 'future-slot' | 'not-synced' | 'max-reversible' | 'vote-silence';

/**
 * The §5.3 production preconditions. Example: `mayProduce({producer: 'alice', slot, nowSlot: slot, parent, …})`
 * is `{ok: true}` when alice holds the slot and every pause condition is clear.
 */
export function mayProduce(s: ProductionSituation): { ok: true } | { ok: false; reason: ProductionRefusal } {
  const active = regimeFor(s.parent, s.slot, s.turnLength).active;
  if (producerForSlot(active, s.slot, s.turnLength).name !== s.producer) return { ok: false, reason: 'not-scheduled' };
  if (!(s.slot > s.watermark.lastProducedSlot)) return { ok: false, reason: 'watermark' };
  if (!(s.slot > s.parent.ref.slot)) return { ok: false, reason: 'slot-not-after-parent' };
  if (s.slot > s.nowSlot + CLOCK_TOLERANCE_SLOTS) return { ok: false, reason: 'future-slot' };
  if (!s.synced) return { ok: false, reason: 'not-synced' };
  if (s.parent.ref.num + 1 - s.libNum > (s.maxReversible ?? MAX_REVERSIBLE)) return { ok: false, reason: 'max-reversible' };
  if (s.bootstrapped !== false && s.nowMs !== undefined && s.lastOtherVoteMs !== undefined && s.nowMs - s.lastOtherVoteMs > VOTE_SILENCE_PAUSE_MS) {
    return { ok: false, reason: 'vote-silence' };
  }
  return { ok: true };
}

/** The watermark after producing at `slot` (persist it before broadcasting the block). */
export function advanceWatermark(w: ProducerWatermark, slot: number): ProducerWatermark {
  if (!(slot > w.lastProducedSlot)) throw new RangeError(`slot ${slot} is not after the watermark ${w.lastProducedSlot}`);
  return { lastProducedSlot: slot };
}

/** The claims a new header on `parent` carries. */
export interface HeaderClaims {
  readonly justify: BlockRef;
  readonly justifyQc?: QC;
  readonly finalRef: BlockRef;
  readonly finalQc?: QC;
}

/**
 * justify = the highest PREPARE certificate the node holds on the parent or an ancestor, finalRef =
 * the highest COMMIT certificate; each certificate attached only when newer than the parent's claim.
 */
export function headerClaims<T>(db: ForkDb<T>, parent: ForkBlock<T>): HeaderClaims {
  const ps = parent.state;
  const p = db.bestQcOnBranch(parent, 'PREPARE');
  const c = db.bestQcOnBranch(parent, 'COMMIT');
  const out: { justify: BlockRef; justifyQc?: QC; finalRef: BlockRef; finalQc?: QC } = { justify: ps.chainJustify, finalRef: ps.chainLib };
  if (p !== undefined && p.block.ref.slot > ps.chainJustify.slot) {
    out.justify = p.block.ref;
    out.justifyQc = p.qc;
  }
  if (c !== undefined && c.block.ref.slot > ps.chainLib.slot) {
    out.finalRef = c.block.ref;
    out.finalQc = c.qc;
  }
  return out;
}
