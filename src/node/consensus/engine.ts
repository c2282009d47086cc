/**
 * The node's consensus engine (CONSENSUS.md §5.3–§5.10, docs/consensus.md "How the node drives it"):
 * the fork database over the node's store, vote collection into certificates, the finalizer's
 * voting rules with the FSI persisted before every vote, LIB advance, and the evidence pool. It is
 * driven by three kinds of input — blocks, votes and certificates (from peers, from sync, or from this
 * node's own producer) — and after each one it settles: move the store to the best head (validating
 * blocks, switching branches with undo/redo and updating the mempool), finalize what a COMMIT
 * certificate covers (`store.setLib`, then the fork-database root), then vote.
 *
 * Modes: a producer (its key is in the schedule) votes; a full node (no key) validates everything and
 * follows certificates; a light node validates headers and certificates only and never votes.
 * Production itself is `SlotProducer` (slotProducer.ts), which builds on `head` and hands its block
 * to `addOwnBlock`.
 *
 * Persistence order (§5.10): the store connects each block in one SQLite transaction; `setLib` is
 * written before the root moves; the FSI is written (synchronous=FULL) before a vote is sent.
 */
import type { Block, BlockRef, Evidence, Phase, QC, Schedule, ScheduleEntry } from '../../chain/block/types.ts';
import { slotAt, slotStartMs } from '../../chain/params.ts';
import type { BlockDelta } from '../../chain/state/types.ts';
import { displayTxid } from '../../chain/state/key.ts';
import { QcAggregator } from '../../consensus/aggregator.ts';
import type { VoteOutcome } from '../../consensus/aggregator.ts';
import { verifyQc } from '../../consensus/certificate.ts';
import { consensusConfig } from '../../consensus/config.ts';
import type { ConsensusConfig } from '../../consensus/config.ts';
import { accused } from '../../consensus/evidence.ts';
import { Finalizer } from '../../consensus/finalizer.ts';
import type { CandidateBlock } from '../../consensus/finalizer.ts';
import type { ForkBlock, ForkDb } from '../../consensus/forkDb.ts';
import { headerId } from '../../consensus/header.ts';
import { nextHeaderState } from '../../consensus/headerState.ts';
import { CLOCK_TOLERANCE_SLOTS } from '../../consensus/params.ts';
import { idKey, showRef } from '../../consensus/refs.ts';
import { memberIndex } from '../../consensus/schedule.ts';
import { BIP340 } from '../../consensus/scheme.ts';
import type { FinalizerSafety, HeaderState, Vote } from '../../consensus/types.ts';
import { makeVote, votingSets } from '../../consensus/votes.ts';
import { EquivocationWatch } from '../../consensus/watch.ts';
import { sha256 } from '../../crypto/hash.ts';
import type { FinalitySnapshot } from '../../rpc/methods/finalityView.ts';
import { toHex } from '../../util/bytes.ts';
import { err, ok } from '../../util/errors.ts';
import type { ErrorData, Result } from '../../util/errors.ts';
import { StoreApplier } from './applier.ts';
import type { NodeBlock } from './applier.ts';
import { ClockMonitor } from './clockCheck.ts';
import { FinalityStats } from './finalityStats.ts';
import type { FinalizedRecord } from './finalityStats.ts';
import { Participation } from './participation.ts';
import { forkDbFromStore } from './replay.ts';
import { loadFsi, loadLibQc, saveFsi, saveLibQc } from './safetyStore.ts';
import { NO_TRANSPORT } from './transport.ts';
import { cachingScheme } from './verifyCache.ts';
import type { Transport } from './transport.ts';
import type { NodeParts } from '../parts.ts';

/** Engine error codes (besides the chain's and the consensus core's). */
export const EngineErrorCode = {
  /** A block whose slot is more than CLOCK_TOLERANCE ahead of our clock (held briefly, not relayed). */
  EARLY_BLOCK: 'NODE_BLOCK_EARLY',
  /** The block failed full (or light) validation when it was applied. */
  INVALID_BLOCK: 'NODE_BLOCK_INVALID',
  /** The header cannot be encoded (no id). */
  MALFORMED: 'NODE_BLOCK_MALFORMED',
} as const;

/** How a node takes part. */
export type EngineMode = 'producer' | 'full' | 'light';

/** What the engine works with. */
export interface EngineOptions extends NodeParts {
  /** A producer's name and key (votes, and production through `SlotProducer`); omit for a full node. */
  readonly key?: { readonly name: string; readonly privateKey: Uint8Array } | undefined;
  /** Light validation: headers and certificates only; never votes. */
  readonly light?: boolean | undefined;
  /** Clock offset against the producers beyond which this node does not produce (default 250 ms). */
  readonly clockSkewLimitMs?: number | undefined;
}

/** What became of a block handed to the engine. */
export type BlockOutcome = 'added' | 'known' | 'final' | 'orphan' | 'early';

/** What became of a certificate. */
export type QcOutcomeKind = 'recorded' | 'known' | 'parked' | 'final';

/** A block that became final, as listeners see it. */
export interface FinalizedBlock {
  readonly record: FinalizedRecord;
  /** The block, when it passed through this process (undefined for blocks replayed from the store). */
  readonly block: Block | undefined;
}

/** The finality picture for RPC: the RPC layer's `FinalitySnapshot` without the producer's figures, plus the FSI. */
export interface FinalityStatus extends Omit<FinalitySnapshot, 'production'> {
  readonly fsi: FinalizerSafety | undefined;
}

const MAX_ORPHANS = 512;
const MAX_PARKED_QCS = 256;
const MAX_PARKED_VOTES = 4096;
const MAX_LATE_VOTES = 4096;
/** Late votes checked per event-loop turn (a few ms of signature checks). */
const LATE_VOTES_PER_TURN = 16;
/** Blocks up to this many slots ahead are held until their slot (a slightly fast peer clock). */
const EARLY_HOLD_SLOTS = 4;
const REQUEST_INTERVAL_MS = 500;

interface Held {
  readonly block: Block;
  readonly raw: Uint8Array | undefined;
  readonly from: string | undefined;
}

/**
 * The engine of one node. Example:
 * `const e = new ConsensusEngine(opts); e.attach(transport); e.receiveBlock(block, raw, peerId)`.
 */
export class ConsensusEngine {
  readonly cfg: ConsensusConfig;
  readonly mode: EngineMode;
  readonly db: ForkDb<NodeBlock>;
  readonly stats = new FinalityStats();
  readonly clock: ClockMonitor;
  private readonly agg: QcAggregator;
  private readonly watch = new EquivocationWatch();
  private readonly fin: Finalizer | undefined;
  private readonly applier: StoreApplier;
  private readonly participation = new Participation();
  private readonly evidencePool = new Map<string, Evidence>();
  private equivocations = 0;
  private readonly orphans = new Map<string, Held[]>();
  private orphanCount = 0;
  private readonly early = new Map<string, Held>();
  private readonly parkedQcs = new Map<string, QC[]>();
  private readonly parkedVotes = new Map<string, Vote[]>();
  private lateVotes: Vote[] = [];
  private lateScheduled = false;
  private parkedVoteCount = 0;
  private transport: Transport = NO_TRANSPORT;
  private settling = false;
  private dirty = false;
  private lastRequestMs = 0;
  private published: { head: string; lib: string; members: string } = { head: '', lib: '', members: '' };
  private currentLibQc: QC | undefined;
  /** Local time of the latest vote from another producer (vote-silence rule). */
  lastOtherVoteMs: number | undefined;
  votesSent = 0;
  /** Our latest vote per phase, re-sent at slot starts until its certificate forms (a peer may have missed it). */
  private readonly latestVotes = new Map<Phase, { readonly vote: Vote; readonly id: Uint8Array }>();
  private readonly finalListeners: ((b: FinalizedBlock[]) => void)[] = [];
  private readonly voteListeners: ((v: Vote) => void)[] = [];

  constructor(private readonly o: EngineOptions) {
    this.cfg = consensusConfig(o.spec, { scheme: cachingScheme(BIP340) });
    this.clock = new ClockMonitor(o.clockSkewLimitMs);
    this.mode = o.light === true ? 'light' : o.key !== undefined ? 'producer' : 'full';
    this.db = forkDbFromStore(o.spec, o.store);
    this.agg = new QcAggregator({ chainId: this.cfg.chainId, scheme: this.cfg.scheme });
    this.currentLibQc = loadLibQc(o.store);
    if (this.mode === 'producer') {
      const loaded = loadFsi(o.store, slotAt(o.spec, o.now()));
      this.fin = new Finalizer(loaded.fsi, loaded.startupSlot);
      const fields = { source: loaded.source, startupSlot: loaded.startupSlot };
      if (loaded.source === 'missing' || loaded.source === 'corrupt') o.log.warn('no finalizer safety information: the amnesia rule applies (no votes on blocks from before this start)', fields);
      else if (loaded.source === 'new') o.log.info('new finalizer: voting from the startup slot on', fields);
      else o.log.info('finalizer safety loaded', { lastPrepareSlot: loaded.fsi.lastPrepare?.slot ?? 0, lastCommitSlot: loaded.fsi.lastCommitSlot, startupSlot: loaded.startupSlot });
    }
    this.applier = new StoreApplier({
      spec: o.spec,
      store: o.store,
      chain: o.chain,
      ccHost: o.ccHost,
      scriptCache: o.scriptCache,
      hooks: o.hooks,
      light: this.mode === 'light',
      stateOf: (id) => this.db.get(id)?.state,
    });
    for (const b of this.db.blocks()) if (b !== this.db.root) this.watch.observe(b.header); // double production against replayed blocks
    o.log.info('fork database loaded', { lib: this.db.lib.num, head: this.db.head.ref.num, reversible: this.db.size - 1, mode: this.mode });
  }

  /** Connects the engine to the network (announces the current head). */
  attach(t: Transport): void {
    this.transport = t;
    this.published = { head: '', lib: '', members: '' };
    this.publish();
  }

  /** The producer's name, when this node votes. */
  get name(): string | undefined {
    return this.o.key?.name;
  }

  /** The best head (the store's tip). */
  get head(): ForkBlock<NodeBlock> {
    return this.db.head;
  }

  /** The COMMIT certificate of the current LIB, when known. */
  get libQc(): QC | undefined {
    return this.currentLibQc;
  }

  /** Evidence gathered and not yet punished on the final chain. */
  evidence(): Evidence[] {
    return [...this.evidencePool.values()];
  }

  /** The transport's sync state. */
  syncing(): boolean {
    return this.transport.syncing();
  }

  /** Connected peers. */
  peerCount(): number {
    return this.transport.peerCount();
  }

  /**
   * Since when the other producers are silent about something they could vote on (the §5.3 vote-silence
   * pause): the arrival time of the first block on the head's branch above the LIB that came after the
   * latest vote from another producer; undefined when no such block exists (nothing went unanswered),
   * or before any vote from another producer arrived (bootstrap). Without blocks to vote on, silence is
   * expected — e.g. during a crashed producer's turn — and must not pause the next producer.
   */
  voteSilenceSince(): number | undefined {
    const last = this.lastOtherVoteMs;
    if (last === undefined) return undefined;
    let since: number | undefined;
    for (let b: ForkBlock<NodeBlock> | undefined = this.db.head; b !== undefined && b !== this.db.root; b = this.db.get(b.header.parent)) {
      const t = b.payload.arrivedMs;
      if (t > last && (since === undefined || t < since)) since = t;
    }
    return since;
  }

  /** Calls `f` with blocks as they become final (oldest first). */
  onFinal(f: (b: FinalizedBlock[]) => void): void {
    this.finalListeners.push(f);
  }

  /** Calls `f` with every vote this node signs, as it leaves. */
  onVoteSent(f: (v: Vote) => void): void {
    this.voteListeners.push(f);
  }

  private nowSlot(): number {
    return slotAt(this.o.spec, this.o.now());
  }

  // ---------------------------------------------------------------- blocks

  /**
   * A block from a peer (`from` = its id; `live` for gossip, false for sync), or replayed. Header and
   * certificate checks happen here; full validation when the block joins the best branch (the store
   * connects it during the settle that follows, and a failure comes back as `NODE_BLOCK_INVALID`).
   */
  receiveBlock(block: Block, raw: Uint8Array | undefined, from: string | undefined, live = from !== undefined): Result<BlockOutcome, ErrorData> {
    const work: Held[] = [{ block, raw, from }];
    let first: Result<BlockOutcome, ErrorData> | undefined;
    while (work.length > 0) {
      const h = work.pop()!;
      const r = this.addOne(h, first === undefined && live, work);
      if (first === undefined) first = r;
    }
    this.settle();
    if (first!.ok && first!.value === 'added') {
      let id: Uint8Array | undefined;
      try {
        id = headerId(block.header);
      } catch {
        id = undefined;
      }
      if (id !== undefined && this.db.get(id) === undefined && this.db.isInvalid(id)) {
        return err({ code: EngineErrorCode.INVALID_BLOCK, message: `block ${block.header.num} failed validation` });
      }
    }
    return first!;
  }

  private addOne(h: Held, live: boolean, work: Held[]): Result<BlockOutcome, ErrorData> {
    const header = h.block.header;
    let id: Uint8Array;
    try {
      id = headerId(header);
    } catch (e) {
      return err({ code: EngineErrorCode.MALFORMED, message: `the header cannot be encoded: ${String(e)}` });
    }
    const key = idKey(id);
    if (this.db.get(id) !== undefined || this.db.isInvalid(id)) return ok('known');
    if (header.slot <= this.db.lib.slot) return ok('final');
    const parent = this.db.get(header.parent);
    if (parent === undefined) {
      this.park(h);
      this.requestBlocks();
      return ok('orphan');
    }
    const st = nextHeaderState(this.cfg, parent.state, header, this.db.ancestorStateFor(header.parent));
    if (!st.ok) return st;
    const now = this.o.now();
    if (live && header.producer !== this.o.key?.name) this.clock.observe(header.producer, now - slotStartMs(this.o.spec, header.slot), now);
    const nowSlot = slotAt(this.o.spec, now);
    if (header.slot > nowSlot + CLOCK_TOLERANCE_SLOTS) {
      if (header.slot <= nowSlot + EARLY_HOLD_SLOTS && this.early.size < 64) this.early.set(key, h);
      return err({ code: EngineErrorCode.EARLY_BLOCK, message: `slot ${header.slot} is ahead of our slot ${nowSlot}` });
    }
    const ev = this.watch.observe(header);
    if (ev !== undefined) this.addEvidence(ev);
    const added = this.db.add(header, st.value, { block: h.block, raw: h.raw, delta: undefined, from: h.from, arrivedMs: now });
    if (!added.ok) return added;
    this.dirty = true;
    const votes = this.parkedVotes.get(key);
    if (votes !== undefined) {
      this.parkedVotes.delete(key);
      this.parkedVoteCount -= votes.length;
      for (const v of votes) this.countVote(v, added.value.state);
    }
    const qcs = this.parkedQcs.get(key);
    if (qcs !== undefined) {
      this.parkedQcs.delete(key);
      for (const qc of qcs) this.acceptQc(qc, added.value);
    }
    const kids = this.orphans.get(key);
    if (kids !== undefined) {
      this.orphans.delete(key);
      this.orphanCount -= kids.length;
      work.push(...kids);
    }
    return ok('added');
  }

  /** Sends a block this node built to its peers (before it is connected here: peers validate meanwhile). */
  publishBlock(raw: Uint8Array): void {
    this.transport.broadcastBlock(raw);
  }

  /** A block this node's producer built (already validated: its delta is connected as is). */
  addOwnBlock(block: Block, raw: Uint8Array, delta: BlockDelta): Result<ForkBlock<NodeBlock>, ErrorData> {
    const parent = this.db.get(block.header.parent);
    if (parent === undefined) return err({ code: EngineErrorCode.INVALID_BLOCK, message: 'the parent of our own block left the fork database' });
    const st = nextHeaderState(this.cfg, parent.state, block.header, this.db.ancestorStateFor(block.header.parent), { skipSignature: true });
    if (!st.ok) return st;
    this.watch.observe(block.header);
    const added = this.db.add(block.header, st.value, { block, raw, delta, from: undefined, arrivedMs: this.o.now() });
    if (!added.ok) return added;
    this.dirty = true;
    this.settle();
    return added;
  }

  private park(h: Held): void {
    const k = idKey(h.block.header.parent);
    const list = this.orphans.get(k) ?? [];
    list.push(h);
    this.orphans.set(k, list);
    this.orphanCount++;
    while (this.orphanCount > MAX_ORPHANS) {
      const [oldKey, oldList] = this.orphans.entries().next().value!;
      this.orphans.delete(oldKey);
      this.orphanCount -= oldList.length;
    }
  }

  private requestBlocks(): void {
    const now = this.o.now();
    if (now - this.lastRequestMs < REQUEST_INTERVAL_MS) return;
    this.lastRequestMs = now;
    this.transport.requestBlocks();
  }

  /** Retries blocks that arrived ahead of our clock (call at each slot start). */
  retryEarly(): void {
    if (this.early.size === 0) return;
    const nowSlot = this.nowSlot();
    const due = [...this.early.entries()].filter(([, h]) => h.block.header.slot <= nowSlot + CLOCK_TOLERANCE_SLOTS);
    for (const [k, h] of due) {
      this.early.delete(k);
      this.receiveBlock(h.block, h.raw, h.from, false);
    }
    for (const [k, h] of this.early) if (h.block.header.slot > nowSlot + EARLY_HOLD_SLOTS) this.early.delete(k);
  }

  // ---------------------------------------------------------------- votes and certificates

  /**
   * A vote from a peer. A vote for a block not here yet is parked until the block arrives (votes
   * travel in the high-priority lane and often overtake their block on the same connection).
   */
  receiveVote(vote: Vote): Result<VoteOutcome['status'], ErrorData> {
    const entry = this.db.get(vote.block.id);
    if (entry === undefined) {
      if (vote.block.slot <= this.db.lib.slot) return ok('stale');
      const k = idKey(vote.block.id);
      const list = this.parkedVotes.get(k) ?? [];
      list.push(vote);
      this.parkedVotes.set(k, list);
      this.parkedVoteCount++;
      while (this.parkedVoteCount > MAX_PARKED_VOTES) {
        const [oldKey, oldList] = this.parkedVotes.entries().next().value!;
        this.parkedVotes.delete(oldKey);
        this.parkedVoteCount -= oldList.length;
      }
      this.requestBlocks();
      return ok('parked');
    }
    if ((vote.phase === 'PREPARE' ? entry.prepareQc : entry.commitQc) !== undefined) {
      // the certificate exists: this vote only feeds participation and the double-vote check, so its
      // signature is checked when the event loop is idle, behind votes that can still form certificates
      this.deferVote(vote);
      return ok('counted');
    }
    const out = this.countVote(vote, entry.state);
    if (out.status === 'rejected') return err(out.error ?? { code: 'CONSENSUS_VOTE_MALFORMED', message: 'vote rejected' });
    if (this.dirty) this.settle();
    return ok(out.status);
  }

  private deferVote(vote: Vote): void {
    this.lateVotes.push(vote);
    if (this.lateVotes.length > MAX_LATE_VOTES) this.lateVotes.shift();
    if (this.lateScheduled) return;
    this.lateScheduled = true;
    setImmediate(() => this.countLateVotes());
  }

  private countLateVotes(): void {
    this.lateScheduled = false;
    for (const v of this.lateVotes.splice(0, LATE_VOTES_PER_TURN)) {
      const entry = this.db.get(v.block.id);
      if (entry !== undefined) this.countVote(v, entry.state);
    }
    if (this.dirty) this.settle();
    if (this.lateVotes.length > 0 && !this.lateScheduled) {
      this.lateScheduled = true;
      setImmediate(() => this.countLateVotes());
    }
  }

  /** Checks and counts a vote on a known block (participation, vote silence, certificates). */
  private countVote(vote: Vote, state: HeaderState): VoteOutcome {
    const out = this.agg.add(vote, state);
    if (out.status === 'counted') {
      const now = this.o.now();
      this.participation.vote(vote, now);
      if (vote.voter !== this.o.key?.name) this.lastOtherVoteMs = now;
    }
    this.onVoteOutcome(out);
    return out;
  }

  /** A certificate from a peer. */
  receiveQc(qc: QC): Result<QcOutcomeKind, ErrorData> {
    const entry = this.db.get(qc.block.id);
    if (entry === undefined) {
      if (qc.block.slot <= this.db.lib.slot) return ok('final');
      const k = idKey(qc.block.id);
      const list = this.parkedQcs.get(k) ?? [];
      if (list.length < 2) list.push(qc);
      this.parkedQcs.set(k, list);
      while (this.parkedQcs.size > MAX_PARKED_QCS) this.parkedQcs.delete(this.parkedQcs.keys().next().value!);
      this.requestBlocks();
      return ok('parked');
    }
    const r = this.acceptQc(qc, entry);
    if (!r.ok) return r;
    this.settle();
    return r;
  }

  private acceptQc(qc: QC, entry: ForkBlock<NodeBlock>): Result<QcOutcomeKind, ErrorData> {
    if ((qc.phase === 'PREPARE' ? entry.prepareQc : entry.commitQc) !== undefined) return ok('known');
    const v = verifyQc(qc, qc.phase, qc.block, votingSets(this.cfg.chainId, entry.state), this.cfg.scheme);
    if (!v.ok) return v;
    this.onQcFormed(qc, false);
    return ok('recorded');
  }

  private onVoteOutcome(out: VoteOutcome): void {
    if (out.evidence !== undefined) this.addEvidence(out.evidence);
    if (out.qc !== undefined) this.onQcFormed(out.qc, true);
  }

  private onQcFormed(qc: QC, local: boolean): void {
    const r = this.db.markQc(qc);
    if (r === 'conflict') {
      this.o.log.error('SAFETY ALERT: a COMMIT certificate on a block that conflicts with our LIB', { block: showRef(qc.block), lib: showRef(this.db.lib) });
      return;
    }
    if (r !== 'recorded') return;
    this.dirty = true;
    // the block's producer spreads its COMMIT certificate (nodes that get no votes learn finality from it)
    if (local && qc.phase === 'COMMIT' && this.o.key !== undefined && this.db.get(qc.block.id)?.state.producer === this.o.key.name) this.transport.broadcastQc(qc);
  }

  private addEvidence(ev: Evidence): void {
    const k = `${ev.type}:${toHex(sha256(ev.data))}`;
    if (this.evidencePool.has(k)) return;
    this.evidencePool.set(k, ev);
    this.equivocations++;
    const who = accused(ev);
    this.o.log.warn('misbehaviour evidence', { type: ev.type, offender: who?.offender, slot: who?.slot });
  }

  // ---------------------------------------------------------------- settle: head, finality, votes

  /** Moves to the best head, finalizes, votes; repeats while that changed anything. */
  settle(): void {
    if (this.settling) {
      this.dirty = true;
      return;
    }
    this.settling = true;
    try {
      for (let round = 0; round < 16; round++) {
        this.dirty = false;
        this.moveHead();
        this.finalize();
        this.vote();
        if (!this.dirty) break;
      }
      this.publish();
    } finally {
      this.settling = false;
    }
  }

  private moveHead(): void {
    const upd = this.db.updateHead(this.applier);
    for (const f of upd.failed) {
      this.o.log.warn('block failed validation', { height: f.block.ref.num, slot: f.block.ref.slot, producer: f.block.state.producer, code: f.error.code, error: f.error.message });
      if (f.block.payload.from !== undefined) this.transport.penalize(f.block.payload.from, `${f.error.code}: ${f.error.message}`);
    }
    const ch = this.applier.drain();
    if (ch.undoneBlocks === 0 && ch.appliedBlocks === 0) return;
    const ctx = this.o.mempoolContext();
    if (ch.undoneBlocks > 0) {
      const dropped = this.o.mempool.reorg(ch.disconnected, ch.connected, ctx);
      this.o.log.info('branch switch', { undone: ch.undoneBlocks, applied: ch.appliedBlocks, head: this.db.head.ref.num, mempoolDropped: dropped.length });
    } else {
      const r = this.o.mempool.blockConnected(ch.connected, ctx);
      for (const x of r.invalidated) this.o.log.debug('mempool transaction no longer valid', { txid: displayTxid(x.txid), code: x.error.code });
    }
  }

  private finalize(): void {
    const f = this.db.finalizable();
    if (f === undefined) return;
    const qc = f.commitQc!;
    const s = this.o.store.setLib(f.ref.num);
    if (!s.ok) {
      this.o.log.error('cannot record the LIB; finality waits', { height: f.ref.num, error: s.error.message });
      return;
    }
    const q = saveLibQc(this.o.store, qc);
    if (!q.ok) this.o.log.warn('cannot record the LIB certificate', { error: q.error.message });
    const r = this.db.advanceRoot(f);
    if (!r.ok) {
      this.o.log.error('cannot advance the fork database root', { error: r.error.message });
      return;
    }
    this.currentLibQc = qc;
    const lib = this.db.lib;
    this.agg.pruneBelow(lib.slot);
    this.watch.pruneBelow(lib.slot);
    for (const [k, list] of this.orphans) {
      if (list.every((o) => o.block.header.slot <= lib.slot)) {
        this.orphans.delete(k);
        this.orphanCount -= list.length;
      }
    }
    for (const [k, list] of this.parkedQcs) if (list.every((x) => x.block.slot <= lib.slot)) this.parkedQcs.delete(k);
    for (const [k, list] of this.parkedVotes) {
      if (list.every((v) => v.block.slot <= lib.slot)) {
        this.parkedVotes.delete(k);
        this.parkedVoteCount -= list.length;
      }
    }
    const rootState = this.db.root.state;
    for (const [k, ev] of this.evidencePool) {
      const who = accused(ev);
      const last = who && rootState.punished.find((p) => p.name === who.offender);
      if (who === undefined || rootState.standby.some((x) => x.name === who.offender) || (last !== undefined && who.slot <= last.slot)) this.evidencePool.delete(k);
    }
    this.participation.certificate(qc, f.state);
    this.participation.finalized(
      r.value.finalized.map((b) => b.ref.id),
      r.value.pruned.map((b) => b.ref.id),
    );
    const now = this.o.now();
    const out: FinalizedBlock[] = r.value.finalized.map((b) => {
      const record: FinalizedRecord = { num: b.ref.num, slot: b.ref.slot, slotStartMs: slotStartMs(this.o.spec, b.ref.slot), finalMs: now };
      this.stats.finalized(record);
      return { record, block: b.payload.block };
    });
    this.o.log.debug('final', { lib: lib.num, blocks: out.length });
    for (const l of this.finalListeners) l(out);
    this.dirty = true;
  }

  private canVoteOn(s: HeaderState): boolean {
    const name = this.o.key!.name;
    return memberIndex(s.active, name) >= 0 || (s.pending !== undefined && memberIndex(s.pending.schedule, name) >= 0);
  }

  private static candidate(b: ForkBlock<NodeBlock>): CandidateBlock {
    return { ref: b.ref, justify: b.state.chainJustify, validated: b.validated };
  }

  private vote(): void {
    const fin = this.fin;
    if (fin === undefined) return;
    const env = { nowSlot: this.nowSlot(), lib: this.db.lib, extends: this.db.extends };
    const head = this.db.head;
    if (head !== this.db.root && this.canVoteOn(head.state)) {
      const d = fin.decidePrepare(ConsensusEngine.candidate(head), env);
      if (d.vote && this.persist(fin, d.fsi)) this.cast('PREPARE', head);
    }
    const cands: ForkBlock<NodeBlock>[] = [];
    for (const b of this.db.blocks()) {
      if (b !== this.db.root && b.prepareQc !== undefined && b.validated && b.ref.slot > fin.fsi.lastCommitSlot && this.canVoteOn(b.state)) cands.push(b);
    }
    cands.sort((a, b) => b.ref.slot - a.ref.slot);
    for (const c of cands) {
      const d = fin.decideCommit(ConsensusEngine.candidate(c), true, env);
      if (!d.vote) continue;
      if (this.persist(fin, d.fsi)) this.cast('COMMIT', c);
      break;
    }
  }

  /** Writes the FSI durably, then adopts it; false (and no vote) when the write fails. */
  private persist(fin: Finalizer, fsi: FinalizerSafety): boolean {
    const r = saveFsi(this.o.store, fsi);
    if (!r.ok) {
      this.o.log.error('cannot write the finalizer safety information; not voting', { error: r.error.message });
      return false;
    }
    fin.adopt(fsi);
    return true;
  }

  private cast(phase: Phase, b: ForkBlock<NodeBlock>): void {
    const key = this.o.key!;
    const v = makeVote(votingSets(this.cfg.chainId, b.state), phase, b.ref, key.name, key.privateKey, this.cfg.scheme);
    this.votesSent++;
    this.transport.broadcastVote(v);
    this.latestVotes.set(phase, { vote: v, id: b.ref.id });
    for (const l of this.voteListeners) l(v);
    this.participation.vote(v, this.o.now());
    this.onVoteOutcome(this.agg.add(v, b.state));
    this.dirty = true;
  }

  private publish(): void {
    const head = this.db.head;
    const hk = idKey(head.ref.id);
    const lk = idKey(this.db.lib.id);
    if (hk !== this.published.head || lk !== this.published.lib) {
      this.transport.announceHead(head.ref, this.db.lib, this.currentLibQc);
      this.published.head = hk;
      this.published.lib = lk;
    }
    const members = this.members(head.state);
    const mk = members.map((m) => `${m.name}:${toHex(m.key)}`).join(',');
    if (mk !== this.published.members) {
      this.published.members = mk;
      this.transport.setProducers(members);
    }
  }

  private members(s: HeaderState): ScheduleEntry[] {
    const out = [...s.active.producers];
    for (const p of s.pending?.schedule.producers ?? []) if (!out.some((x) => x.name === p.name)) out.push(p);
    return out;
  }

  /**
   * Samples head − LIB, retries early blocks and re-sends our latest votes whose certificate has not
   * formed (votes are not relayed, so a peer that was not connected when a vote left never saw it);
   * the slot clock calls it at every slot start.
   */
  onSlot(): void {
    this.stats.sampleLag(this.db.head.ref.num - this.db.lib.num);
    this.retryEarly();
    for (const [phase, { vote, id }] of this.latestVotes) {
      const b = this.db.get(id);
      if (b === undefined || b === this.db.root || (phase === 'PREPARE' ? b.prepareQc : b.commitQc) !== undefined) {
        this.latestVotes.delete(phase);
        continue;
      }
      this.transport.broadcastVote(vote);
    }
  }

  // ---------------------------------------------------------------- reads

  /** The state of the chain's finality (getblockchaininfo, getinfo, REST). */
  status(): FinalityStatus {
    const head = this.db.head;
    return {
      mode: this.mode,
      name: this.o.key?.name,
      head: head.ref,
      headProducer: head.state.producer,
      proposedLib: this.db.proposedLib(),
      lib: this.db.lib,
      libQc: this.currentLibQc,
      active: head.state.active,
      pending: head.state.pending?.schedule,
      participation: this.participation.report(head.state),
      clock: this.clock.estimate(this.o.now()),
      fsi: this.fin?.fsi,
      startupSlot: this.fin?.startupSlot,
      forkDbBlocks: this.db.size,
      orphans: this.orphanCount,
      evidence: this.evidencePool.size,
      equivocations: this.equivocations,
      votesSent: this.votesSent,
      syncing: this.transport.syncing(),
      peers: this.transport.peerCount(),
    };
  }

  /** Schedules this node knows (active, pending and previous of the head's state, and the root's). */
  schedules(): Schedule[] {
    const out: Schedule[] = [];
    const add = (s: Schedule | undefined): void => {
      if (s !== undefined && !out.some((x) => x.version === s.version)) out.push(s);
    };
    for (const st of [this.db.head.state, this.db.root.state]) {
      add(st.active);
      add(st.pending?.schedule);
      add(st.previous);
    }
    add(this.o.spec.schedule);
    return out;
  }

  /** The header state of a block in the fork database or of a recent final block on the head's branch. */
  stateOf(ref: BlockRef): HeaderState | undefined {
    return this.db.get(ref.id)?.state ?? this.db.stateOnBranch(this.db.head.ref, ref);
  }
}
