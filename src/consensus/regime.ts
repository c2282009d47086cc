/**
 * Which schedules govern a new block (§5.5 steps 1 and 2), evaluated from the parent's header state:
 *
 * 1. pending → active at block B when the parent has a pending schedule, the parent's chain LIB
 *    (certificates embedded in the chain) has reached the block that made it pending, and B is the
 *    first block of a new turn. From B on, production and voting use the new schedule only.
 * 2. proposed → pending at B when no pending schedule remains, the parent has a proposal and the
 *    parent's chain LIB has reached the proposing block; madePendingAt := B.num.
 *
 * Only chain data is read (never the node's gossip LIB), so every node computes the same regime.
 */
import type { Schedule, ScheduleEntry } from '../chain/block/types.ts';
import { producerForSlot } from '../chain/validation/producer.ts';
import { isNewTurn } from './schedule.ts';
import type { HeaderState } from './types.ts';

/** The schedules that apply to a block. */
export interface Regime {
  readonly active: Schedule;
  readonly pending?: { readonly schedule: Schedule; readonly madePendingAt: number };
  readonly proposed?: { readonly schedule: Schedule; readonly proposedAt: number };
  readonly previous?: Schedule;
  /** True when step 1 promoted the pending schedule at this block. */
  readonly promoted: boolean;
}

/**
 * Steps 1 and 2 of §5.5 for a block numbered `parent.ref.num + 1` at `slot`.
 * Example: `regimeFor(parentState, slot, 12).active.version` is the version the new header must carry.
 */
export function regimeFor(parent: HeaderState, slot: number, turnLength: number): Regime {
  const num = parent.ref.num + 1;
  let active = parent.active;
  let pending = parent.pending;
  let proposed = parent.proposed;
  let previous = parent.previous;
  let promoted = false;
  if (pending !== undefined && parent.chainLib.num >= pending.madePendingAt && isNewTurn(parent.ref.slot, slot, turnLength)) {
    previous = active;
    active = pending.schedule;
    pending = undefined;
    promoted = true;
  }
  if (pending === undefined && proposed !== undefined && parent.chainLib.num >= proposed.proposedAt) {
    pending = { schedule: proposed.schedule, madePendingAt: num };
    proposed = undefined;
  }
  return {
    active,
    promoted,
    ...(pending !== undefined ? { pending } : {}),
    ...(proposed !== undefined ? { proposed } : {}),
    ...(previous !== undefined ? { previous } : {}),
  };
}

/**
 * The producer entitled to a block at `slot` on top of `parent` (after any promotion that block
 * would cause). Plug into the chain's `HeaderContext.scheduledProducer`.
 */
export function scheduledProducer(parent: HeaderState, slot: number, turnLength: number): ScheduleEntry {
  return producerForSlot(regimeFor(parent, slot, turnLength).active, slot, turnLength);
}
