/**
 * The fork database's branch applier over the node's store (CONSENSUS.md §5.6 "switch"): the store
 * holds the head's branch, final and reversible blocks alike, so a head change is `disconnectTip`
 * for each block of the old branch (each one SQLite transaction restoring the previous state from
 * the undo data) and a validated `connectBlock` for each block of the new one. The in-memory chain
 * index follows. Reversible blocks therefore survive a restart in the store itself and are re-read
 * into the fork database (replay.ts); the LIB mark (`store.setLib`) separates them from final ones.
 *
 * Full validation runs the chain rules (`connectBlock`, scripts and modules included); light
 * validation (`connectBlock` with `{ light: true }`) skips per-transaction checks. A block the node
 * built itself carries its delta and is connected without validating it again.
 */
import type { Transaction } from 'bitcoinjs-lib';
import { decodeBlock } from '../../chain/block/block.ts';
import { decodeHeader } from '../../chain/block/header.ts';
import type { Block } from '../../chain/block/types.ts';
import type { ChainSpec } from '../../chain/spec/types.ts';
import type { BlockDelta } from '../../chain/state/types.ts';
import { connectBlock } from '../../chain/validation/connect.ts';
import type { BlockContext } from '../../chain/validation/connect.ts';
import { producerForSlot } from '../../chain/validation/producer.ts';
import type { ScriptCache } from '../../chain/validation/scriptCache.ts';
import type { BranchApplier, ForkBlock } from '../../consensus/forkDb.ts';
import { regimeFor } from '../../consensus/regime.ts';
import type { HeaderState } from '../../consensus/types.ts';
import type { BlockHooks, Store } from '../../store/types.ts';
import { equalBytes } from '../../util/bytes.ts';
import { CchostError, err, ok } from '../../util/errors.ts';
import type { ErrorData, Result } from '../../util/errors.ts';
import type { ChainState } from '../chainState.ts';
import type { DispatchRecorder } from '../moduleHooks.ts';

/** A block in the node's fork database. Fields change as the block moves in and out of the store. */
export interface NodeBlock {
  /** The decoded block; undefined while it sits in the store and was never needed in memory. */
  block: Block | undefined;
  /** Its serialized bytes, when known. */
  raw: Uint8Array | undefined;
  /** The delta of a block this node assembled (connected without re-validation). */
  delta: BlockDelta | undefined;
  /** Id (hex key) of the peer that sent it, for penalties when it fails validation. */
  from: string | undefined;
  /** Local time (unix ms) the node first had the block. */
  readonly arrivedMs: number;
}

/** Errors of the applier. */
export const ApplierErrorCode = {
  /** The block's parent is not the store's tip (a fork-database/store mismatch: a bug). */
  NOT_ON_TIP: 'NODE_APPLY_NOT_ON_TIP',
  /** The block is neither in memory nor in the store. */
  BLOCK_MISSING: 'NODE_APPLY_BLOCK_MISSING',
  /** The parent's header state is unknown. */
  NO_PARENT_STATE: 'NODE_APPLY_NO_PARENT_STATE',
} as const;

/** What the applier needs. */
export interface StoreApplierOptions {
  readonly spec: ChainSpec;
  readonly store: Store;
  readonly chain: ChainState;
  readonly ccHost: DispatchRecorder | undefined;
  readonly scriptCache: ScriptCache;
  readonly hooks: BlockHooks | undefined;
  /** Light validation (no per-transaction checks). */
  readonly light: boolean;
  /** The header state of a block in the fork database (the parent of the block being applied). */
  readonly stateOf: (id: Uint8Array) => HeaderState | undefined;
}

/** Transactions of the blocks undone and applied since the last `drain` (for the mempool). */
export interface AppliedChanges {
  /** Non-coinbase transactions of disconnected blocks, in chain order. */
  readonly disconnected: Transaction[];
  /** Transactions of connected blocks, in chain order. */
  readonly connected: Transaction[];
  readonly undoneBlocks: number;
  readonly appliedBlocks: number;
}

/** The store-backed `BranchApplier` (see the file comment). */
export class StoreApplier implements BranchApplier<NodeBlock> {
  private disconnected: Transaction[][] = [];
  private connected: Transaction[] = [];
  private applied = 0;

  constructor(private readonly o: StoreApplierOptions) {}

  /** Validates `b` on the store's tip (its parent) and connects it. */
  apply(b: ForkBlock<NodeBlock>): Result<void, ErrorData> {
    const { store, chain, spec } = this.o;
    const tip = chain.tipRef();
    if (!equalBytes(tip.id, b.header.parent)) return err({ code: ApplierErrorCode.NOT_ON_TIP, message: `block ${b.ref.num}'s parent is not the store's tip ${tip.num}` });
    const block = this.blockOf(b);
    if (block === undefined) return err({ code: ApplierErrorCode.BLOCK_MISSING, message: `block ${b.ref.num} is not held` });
    let delta = b.payload.delta;
    if (delta === undefined) {
      const parentState = this.o.stateOf(b.header.parent);
      if (parentState === undefined) return err({ code: ApplierErrorCode.NO_PARENT_STATE, message: `no header state for the parent of block ${b.ref.num}` });
      const regime = regimeFor(parentState, b.header.slot, spec.turnLength);
      const ctx: BlockContext = {
        spec,
        parent: tip,
        ancestors: chain.ancestors,
        schedule: regime.active,
        pendingVersion: regime.pending?.schedule.version ?? 0,
        scheduledProducer: (slot) => producerForSlot(regime.active, slot, spec.turnLength),
        blockTimeAt: chain.blockTimeAt,
        ccHost: this.o.ccHost,
        scriptCache: this.o.scriptCache,
        blockBytes: b.payload.raw,
      };
      this.o.ccHost?.clear();
      const r = connectBlock(store, block, ctx, { light: this.o.light });
      if (!r.ok) {
        this.o.ccHost?.clear();
        return r;
      }
      delta = r.value;
    }
    const c = store.connectBlock(delta, this.o.hooks);
    this.o.ccHost?.clear();
    if (!c.ok) return c;
    b.payload.delta = undefined; // connected: the store holds it now
    b.payload.block = block;
    chain.append(block.header, b.ref.id);
    this.connected.push(...block.txs);
    this.applied++;
    return ok(undefined);
  }

  /** Disconnects the store's tip, which is `b`. Throws when the store refuses (its state would be unknown). */
  undo(b: ForkBlock<NodeBlock>): void {
    const { store, chain } = this.o;
    const tip = chain.tipRef();
    if (!equalBytes(tip.id, b.ref.id)) throw new CchostError(ApplierErrorCode.NOT_ON_TIP, `undo of block ${b.ref.num}, but the store's tip is ${tip.num}`);
    const block = this.blockOf(b);
    if (block === undefined) throw new CchostError(ApplierErrorCode.BLOCK_MISSING, `block ${b.ref.num} is not in the store`);
    b.payload.block = block; // keep it: re-applying needs it once it left the store
    const d = store.disconnectTip(this.o.hooks);
    if (!d.ok) throw new CchostError(d.error.code, `disconnecting block ${b.ref.num} failed: ${d.error.message}`);
    const parent = store.getHeader(store.height());
    const hdr = parent === undefined ? undefined : decodeHeader(parent.bytes);
    if (hdr === undefined || !hdr.ok) throw new CchostError('STORE_CORRUPT', `the header of block ${store.height()} cannot be read after a disconnect`);
    chain.pop(hdr.value);
    this.disconnected.push(block.txs.slice(1));
  }

  /** The transactions undone and applied since the last call (then forgets them). */
  drain(): AppliedChanges {
    const out: AppliedChanges = {
      disconnected: this.disconnected.reverse().flat(),
      connected: this.connected,
      undoneBlocks: this.disconnected.length,
      appliedBlocks: this.applied,
    };
    this.disconnected = [];
    this.connected = [];
    this.applied = 0;
    return out;
  }

  private blockOf(b: ForkBlock<NodeBlock>): Block | undefined {
    if (b.payload.block !== undefined) return b.payload.block;
    const stored = this.o.store.getBlockById(b.ref.id);
    if (stored === undefined) return undefined;
    const d = decodeBlock(stored.bytes);
    if (!d.ok) return undefined;
    b.payload.raw = stored.bytes;
    return d.value;
  }
}
