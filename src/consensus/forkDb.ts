/**
 * The fork database (§5.6): every reversible block with its header state, above a root that is the
 * node's LIB. It picks the best branch, plans and performs branch switches through a caller-supplied
 * applier (undo/redo on the caller's UTXO store, with remove-on-failure), tracks the certificates the
 * node holds per block, and advances the root when a COMMIT certificate makes blocks final.
 *
 * Best-key, descending: (highest slot of a block on the branch with a PREPARE certificate this node
 * holds — from votes, from headers' justify claims, or implied by a COMMIT certificate; then the
 * head's slot; then the smaller id). Blocks that failed to apply are removed with their descendants
 * and remembered, so they are not added again.
 *
 * Invariants (checked by `checkInvariants`, asserted in tests): the root is final; every entry
 * descends from the root; the head descends from the root; the root never moves backwards or sideways.
 */
import type { BlockHeader, BlockRef, QC } from '../chain/block/types.ts';
import { compareBytes, equalBytes } from '../util/bytes.ts';
import { CchostError, ok } from '../util/errors.ts';
import type { ErrorData, Result } from '../util/errors.ts';
import { ConsensusErrorCode, fail } from './errors.ts';
import type { ConsensusError } from './errors.ts';
import type { AncestorState } from './headerState.ts';
import { idKey, sameRef, showRef } from './refs.ts';
import type { HeaderState } from './types.ts';

/** One block in the fork database, as callers see it. */
export interface ForkBlock<T> {
  readonly header: BlockHeader;
  readonly state: HeaderState;
  readonly payload: T;
  readonly ref: BlockRef;
  /** True once the block was applied successfully (fully validated). */
  readonly validated: boolean;
  /** A PREPARE certificate on this block, when the node holds one. */
  readonly prepareQc: QC | undefined;
  /** A COMMIT certificate on this block, when the node holds one. */
  readonly commitQc: QC | undefined;
  /** Highest slot of a block on this branch (this block and its ancestors) with a known PREPARE certificate. */
  readonly qcSlot: number;
}

interface Entry<T> extends ForkBlock<T> {
  validated: boolean;
  prepareQc: QC | undefined;
  commitQc: QC | undefined;
  qcSlot: number;
  readonly key: string;
  readonly parentKey: string;
  readonly children: Set<string>;
}

/** Applies and undoes blocks on the caller's state (e.g. the UTXO store) during a head change. */
export interface BranchApplier<T> {
  /** Validates and applies a block on top of the current state; an error marks the block invalid. */
  apply(block: ForkBlock<T>): Result<void, ErrorData>;
  /** Undoes the current tip block (it was applied before). */
  undo(block: ForkBlock<T>): void;
}

/** What `updateHead` did. */
export interface HeadUpdate<T> {
  readonly head: ForkBlock<T>;
  /** Blocks undone, tip first (net of any rollback after a failure). */
  readonly undone: ForkBlock<T>[];
  /** Blocks applied, in order (net). */
  readonly applied: ForkBlock<T>[];
  /** Blocks that failed to apply and were removed (with their descendants). */
  readonly failed: { readonly block: ForkBlock<T>; readonly error: ErrorData }[];
}

/** A branch switch: undo these (tip first), then apply these (oldest first). */
export interface SwitchPlan<T> {
  readonly undo: ForkBlock<T>[];
  readonly redo: ForkBlock<T>[];
}

/** What the certificate did to the database. */
export type QcOutcome =
  /** Recorded on a block in the database. */
  | 'recorded'
  /** Already known. */
  | 'known'
  /** The block is not in the database (fetch it, keep the certificate). */
  | 'unknown'
  /** On a final block at or below the root: nothing to do. */
  | 'final'
  /** A COMMIT certificate on a block that conflicts with the LIB: a safety failure. */
  | 'conflict';

/** Options of the fork database. */
export interface ForkDbOptions {
  /** Header states of this many most recent final blocks stay available to `extends` and claim checks (default 4096). */
  readonly retainFinal?: number;
  /** Ids of removed invalid blocks remembered (default 10000). */
  readonly rememberInvalid?: number;
  /**
   * Header states of final blocks below the root, oldest first (after a restart: the tail of the block
   * log). They answer `extends` and the claim checks of new headers whose justify/finalRef names a
   * block below the root, as for blocks finalized while running; without them such headers are
   * refused as claiming an unknown ancestor.
   */
  readonly history?: readonly HeaderState[];
}

/** Best-key comparison: negative when `a` is the better head. */
function better<T>(a: Entry<T>, b: Entry<T>): number {
  if (a.qcSlot !== b.qcSlot) return b.qcSlot - a.qcSlot;
  if (a.ref.slot !== b.ref.slot) return b.ref.slot - a.ref.slot;
  return compareBytes(a.ref.id, b.ref.id);
}

/**
 * The fork database over payloads of type T (the node stores blocks, the simulator counters).
 * Example: `const db = new ForkDb(genesis.header, genesisHeaderState(ref, spec.schedule), genesis)`.
 */
export class ForkDb<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private rootEntry: Entry<T>;
  private headEntry: Entry<T>;
  private readonly finalStates = new Map<string, HeaderState>();
  private readonly invalid = new Map<string, true>();
  private readonly retainFinal: number;
  private readonly rememberInvalid: number;

  constructor(rootHeader: BlockHeader, rootState: HeaderState, rootPayload: T, opts: ForkDbOptions = {}) {
    this.retainFinal = opts.retainFinal ?? 4096;
    this.rememberInvalid = opts.rememberInvalid ?? 10_000;
    const key = idKey(rootState.ref.id);
    this.rootEntry = {
      header: rootHeader,
      state: rootState,
      payload: rootPayload,
      ref: rootState.ref,
      validated: true,
      prepareQc: undefined,
      commitQc: undefined,
      qcSlot: rootState.ref.slot,
      key,
      parentKey: idKey(rootHeader.parent),
      children: new Set(),
    };
    this.entries.set(key, this.rootEntry);
    this.headEntry = this.rootEntry;
    for (const h of opts.history ?? []) if (h.ref.num < rootState.ref.num) this.finalStates.set(idKey(h.ref.id), h);
    while (this.finalStates.size > this.retainFinal) this.finalStates.delete(this.finalStates.keys().next().value!);
  }

  /** The root: the node's LIB. */
  get root(): ForkBlock<T> {
    return this.rootEntry;
  }

  /** The LIB reference (the root's). */
  get lib(): BlockRef {
    return this.rootEntry.ref;
  }

  /** The current head: the block the caller's state reflects. */
  get head(): ForkBlock<T> {
    return this.headEntry;
  }

  /** Number of blocks held, root included. */
  get size(): number {
    return this.entries.size;
  }

  /** A block by id. */
  get(id: Uint8Array): ForkBlock<T> | undefined {
    return this.entries.get(idKey(id));
  }

  /** True when the id was removed as invalid (or descends from such a block). */
  isInvalid(id: Uint8Array): boolean {
    return this.invalid.has(idKey(id));
  }

  /** All blocks, in no particular order. */
  blocks(): IterableIterator<ForkBlock<T>> {
    return this.entries.values();
  }

  /**
   * The state of `ref` if it is `tip` or one of its ancestors (the final chain below the root
   * included while retained); undefined otherwise.
   */
  stateOnBranch(tip: BlockRef, ref: BlockRef): HeaderState | undefined {
    if (ref.num > tip.num) return undefined;
    let e = this.entries.get(idKey(tip.id));
    if (e === undefined) {
      const s = this.finalStates.get(idKey(tip.id));
      if (s === undefined || !sameRef(s.ref, tip)) return undefined;
      return this.finalState(ref);
    }
    while (e.ref.num > ref.num && e !== this.rootEntry) e = this.entries.get(e.parentKey)!;
    if (e.ref.num === ref.num) return sameRef(e.ref, ref) ? e.state : undefined;
    return this.finalState(ref);
  }

  private finalState(ref: BlockRef): HeaderState | undefined {
    const s = this.finalStates.get(idKey(ref.id));
    return s !== undefined && sameRef(s.ref, ref) ? s : undefined;
  }

  /** The ancestor lookup `nextHeaderState` needs for a block whose parent is `parentId`. */
  ancestorStateFor(parentId: Uint8Array): AncestorState {
    const p = this.entries.get(idKey(parentId));
    if (p === undefined) return () => undefined;
    return (ref) => this.stateOnBranch(p.ref, ref);
  }

  /** "extends(a, b)": b is a or an ancestor of a (false when unknown). */
  readonly extends = (a: BlockRef, b: BlockRef): boolean => this.stateOnBranch(a, b) !== undefined;

  /**
   * Adds a block whose header state the caller computed with `nextHeaderState(…, this.ancestorStateFor(parent))`.
   * Certificates attached to the header are recorded on their blocks. Errors: duplicate, invalid,
   * below the root, unknown parent (park it and fetch the parent).
   */
  add(header: BlockHeader, state: HeaderState, payload: T): Result<ForkBlock<T>, ConsensusError> {
    const key = idKey(state.ref.id);
    if (this.entries.has(key)) return fail(ConsensusErrorCode.FORKDB_DUPLICATE, `${showRef(state.ref)} is already known`);
    const parentKey = idKey(header.parent);
    if (this.invalid.has(key) || this.invalid.has(parentKey)) {
      this.rememberBad(key);
      return fail(ConsensusErrorCode.FORKDB_INVALID, `${showRef(state.ref)} is or descends from an invalid block`);
    }
    if (header.slot <= this.rootEntry.ref.slot) return fail(ConsensusErrorCode.FORKDB_BELOW_ROOT, `slot ${header.slot} is not after the root's`);
    const parent = this.entries.get(parentKey);
    if (parent === undefined) return fail(ConsensusErrorCode.FORKDB_UNKNOWN_PARENT, `the parent of ${showRef(state.ref)} is unknown`);
    const e: Entry<T> = {
      header,
      state,
      payload,
      ref: state.ref,
      validated: false,
      prepareQc: undefined,
      commitQc: undefined,
      qcSlot: Math.max(parent.qcSlot, header.justify.slot, header.finalRef.slot),
      key,
      parentKey,
      children: new Set(),
    };
    this.entries.set(key, e);
    parent.children.add(key);
    if (header.justifyQc !== undefined) this.markQc(header.justifyQc);
    if (header.finalQc !== undefined) this.markQc(header.finalQc);
    return ok(e);
  }

  private raiseQcSlot(e: Entry<T>, slot: number): void {
    const stack = [e];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (x.qcSlot >= slot) continue;
      x.qcSlot = slot;
      for (const c of x.children) stack.push(this.entries.get(c)!);
    }
  }

  /**
   * Records a certificate the node holds (formed from votes, or carried by a header). The caller
   * verified it. A COMMIT certificate also counts as evidence of a PREPARE certificate for fork choice.
   */
  markQc(qc: QC): QcOutcome {
    const e = this.entries.get(idKey(qc.block.id));
    if (e === undefined || !sameRef(e.ref, qc.block)) {
      if (qc.block.slot <= this.rootEntry.ref.slot) {
        if (qc.phase === 'COMMIT' && this.finalState(qc.block) === undefined && qc.block.num >= this.oldestRetainedNum()) return 'conflict';
        return 'final';
      }
      return 'unknown';
    }
    if (qc.phase === 'PREPARE') {
      if (e.prepareQc !== undefined) return 'known';
      e.prepareQc = qc;
    } else {
      if (e.commitQc !== undefined) return 'known';
      e.commitQc = qc;
    }
    this.raiseQcSlot(e, e.ref.slot);
    return 'recorded';
  }

  private oldestRetainedNum(): number {
    let min = this.rootEntry.ref.num;
    for (const s of this.finalStates.values()) if (s.ref.num < min) min = s.ref.num;
    return min;
  }

  /** The best head candidate by best-key (see the file comment). */
  best(): ForkBlock<T> {
    let b = this.rootEntry;
    for (const e of this.entries.values()) if (better(e, b) < 0) b = e;
    return b;
  }

  /** The blocks from `id` down to (excluding) the root, tip first. Throws `RangeError` for an unknown id. */
  branch(id: Uint8Array): ForkBlock<T>[] {
    let e = this.entries.get(idKey(id));
    if (e === undefined) throw new RangeError('unknown block');
    const out: ForkBlock<T>[] = [];
    while (e !== this.rootEntry) {
      out.push(e);
      e = this.entries.get(e.parentKey)!;
    }
    return out;
  }

  /** The switch from the current head to `target`: blocks to undo (tip first) and to apply (oldest first). */
  switchPlan(target: ForkBlock<T>): SwitchPlan<T> {
    let a = this.headEntry;
    let b = this.entries.get(idKey(target.ref.id))!;
    const undo: ForkBlock<T>[] = [];
    const redo: ForkBlock<T>[] = [];
    while (a !== b) {
      if (a.ref.num >= b.ref.num) {
        undo.push(a);
        a = this.entries.get(a.parentKey)!;
      } else {
        redo.push(b);
        b = this.entries.get(b.parentKey)!;
      }
    }
    redo.reverse();
    return { undo, redo };
  }

  /**
   * Moves the head to the best block: undoes the old branch down to the common ancestor and applies
   * the new one through `applier`. When a block fails to apply, it and its descendants are removed,
   * what was applied is undone, the old branch is re-applied, and the next best head is tried.
   * Throws `CONSENSUS_FORKDB_REAPPLY_FAILED` only if re-applying a previously applied block fails
   * (the caller's state is broken).
   */
  updateHead(applier: BranchApplier<T>): HeadUpdate<T> {
    const undone: ForkBlock<T>[] = [];
    const applied: ForkBlock<T>[] = [];
    const failed: { block: ForkBlock<T>; error: ErrorData }[] = [];
    for (;;) {
      const target = this.best() as Entry<T>;
      if (target === this.headEntry) break;
      const plan = this.switchPlan(target);
      for (const u of plan.undo) applier.undo(u);
      const done: Entry<T>[] = [];
      let failure: { block: Entry<T>; error: ErrorData } | undefined;
      for (const r of plan.redo as Entry<T>[]) {
        const res = applier.apply(r);
        if (!res.ok) {
          failure = { block: r, error: res.error };
          break;
        }
        r.validated = true;
        done.push(r);
      }
      if (failure === undefined) {
        undone.push(...plan.undo);
        applied.push(...plan.redo);
        this.headEntry = target;
        continue;
      }
      for (let i = done.length - 1; i >= 0; i--) applier.undo(done[i]!);
      for (let i = plan.undo.length - 1; i >= 0; i--) {
        const r = applier.apply(plan.undo[i]!);
        if (!r.ok) throw new CchostError(ConsensusErrorCode.FORKDB_REAPPLY_FAILED, `re-applying ${showRef(plan.undo[i]!.ref)} failed: ${r.error.message}`);
      }
      failed.push(failure);
      this.remove(failure.block);
    }
    return { head: this.headEntry, undone, applied, failed };
  }

  /**
   * Declares that the caller's state already reflects block `id` — after a restart, the tip of a
   * persisted store whose blocks were applied before the crash (possibly half-way through a branch
   * switch). The head becomes that block and its branch counts as validated; the next `updateHead`
   * switches from there. Errors: `CONSENSUS_FORKDB_UNKNOWN_BLOCK` (roll the store back to a known
   * block first). Example: `db.resumeAt(store.tipId); db.updateHead(applier)`.
   */
  resumeAt(id: Uint8Array): Result<ForkBlock<T>, ConsensusError> {
    const target = this.entries.get(idKey(id));
    if (target === undefined) return fail(ConsensusErrorCode.FORKDB_UNKNOWN_BLOCK, 'the store tip is not in the fork database');
    for (let e = target; e !== this.rootEntry; e = this.entries.get(e.parentKey)!) e.validated = true;
    this.headEntry = target;
    return ok(target);
  }

  private rememberBad(key: string): void {
    this.invalid.set(key, true);
    if (this.invalid.size > this.rememberInvalid) this.invalid.delete(this.invalid.keys().next().value!);
  }

  private remove(e: Entry<T>): void {
    if (e === this.rootEntry || e === this.headEntry) throw new RangeError('cannot remove the root or the head');
    this.entries.get(e.parentKey)?.children.delete(e.key);
    const stack = [e];
    while (stack.length > 0) {
      const x = stack.pop()!;
      this.entries.delete(x.key);
      this.rememberBad(x.key);
      for (const c of x.children) stack.push(this.entries.get(c)!);
    }
  }

  /** The highest block on the head's branch (above the root) with a COMMIT certificate, or undefined. */
  finalizable(): ForkBlock<T> | undefined {
    for (let e = this.headEntry; e !== this.rootEntry; e = this.entries.get(e.parentKey)!) if (e.commitQc !== undefined) return e;
    return undefined;
  }

  /** The proposed LIB: the highest block on the head's branch with a PREPARE (or COMMIT) certificate; else the root. */
  proposedLib(): BlockRef {
    for (let e = this.headEntry; e !== this.rootEntry; e = this.entries.get(e.parentKey)!) {
      if (e.prepareQc !== undefined || e.commitQc !== undefined) return e.ref;
    }
    return this.rootEntry.ref;
  }

  /** The highest block on the branch of `tip` (root included) holding a certificate of `phase`, with it. */
  bestQcOnBranch(tip: ForkBlock<T>, phase: 'PREPARE' | 'COMMIT'): { block: ForkBlock<T>; qc: QC } | undefined {
    for (let e: Entry<T> | undefined = this.entries.get(idKey(tip.ref.id)); e !== undefined; e = e === this.rootEntry ? undefined : this.entries.get(e.parentKey)) {
      const qc = phase === 'PREPARE' ? e.prepareQc : e.commitQc;
      if (qc !== undefined) return { block: e, qc };
    }
    return undefined;
  }

  /**
   * Makes `block` (on the head's branch, above the root) the new root. Returns the newly final blocks
   * (oldest first; append them to the block log before calling this) and the pruned blocks (everything
   * not descending from the new root). The old root's and finalized blocks' states stay available to
   * `extends` while retained.
   */
  advanceRoot(block: ForkBlock<T>): Result<{ finalized: ForkBlock<T>[]; pruned: ForkBlock<T>[] }, ConsensusError> {
    const target = this.entries.get(idKey(block.ref.id));
    if (target === undefined) return fail(ConsensusErrorCode.FORKDB_UNKNOWN_BLOCK, `${showRef(block.ref)} is not in the fork database`);
    if (target === this.rootEntry) return ok({ finalized: [], pruned: [] });
    if (!this.extends(this.headEntry.ref, target.ref)) {
      return fail(ConsensusErrorCode.FORKDB_CONFLICTING_FINAL, `${showRef(target.ref)} is not on the head's branch`);
    }
    const finalized = this.branch(target.ref.id).reverse();
    const finalKeys = new Set(finalized.map((f) => idKey(f.ref.id)));
    const keep = new Set<string>();
    const stack = [target];
    while (stack.length > 0) {
      const x = stack.pop()!;
      keep.add(x.key);
      for (const c of x.children) stack.push(this.entries.get(c)!);
    }
    const pruned: ForkBlock<T>[] = [];
    for (const [k, e] of this.entries) {
      if (keep.has(k)) continue;
      this.entries.delete(k);
      if (e === this.rootEntry || finalKeys.has(k)) this.finalStates.set(k, e.state);
      else pruned.push(e);
    }
    while (this.finalStates.size > this.retainFinal) this.finalStates.delete(this.finalStates.keys().next().value!);
    this.rootEntry = target;
    return ok({ finalized, pruned });
  }

  /** Checks the §5.6 invariants; returns the first violation or undefined. */
  checkInvariants(): string | undefined {
    if (!this.entries.has(this.rootEntry.key)) return 'the root is not in the database';
    for (const e of this.entries.values()) {
      if (e === this.rootEntry) continue;
      if (!this.extends(e.ref, this.rootEntry.ref)) return `${showRef(e.ref)} does not descend from the root`;
      const p = this.entries.get(e.parentKey);
      if (p === undefined || !p.children.has(e.key) || !equalBytes(e.header.parent, p.ref.id)) return `${showRef(e.ref)} has a broken parent link`;
      if (e.qcSlot < p.qcSlot) return `${showRef(e.ref)} has a lower qcSlot than its parent`;
    }
    if (!this.extends(this.headEntry.ref, this.rootEntry.ref)) return 'the head does not descend from the root';
    return undefined;
  }
}
