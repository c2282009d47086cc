/**
 * The simulator's omniscient observer: it registers every block any node creates (with its full
 * ancestry, so "a extends b" is O(1)), and checks the safety invariants of CONSENSUS.md §5.12 as the
 * run goes:
 * - every block any honest node holds a COMMIT certificate for, and every honest LIB, lies on one chain;
 * - each honest node's LIB only moves forward along its chain and is backed by a valid certificate;
 * - no honest producer signs two blocks for one slot (the watermark);
 * - every honest node computes the same header state for the same block (so a node rebuilt from its
 *   disk after a crash agrees with the nodes that never crashed), and a restart never rewinds a LIB;
 * - an auditor replays each honest node's signed votes against the voting rules using the true block
 *   tree: P2 (one PREPARE per slot, increasing), C3 (COMMIT slots increasing), C2 (every PREPARE signed
 *   before a COMMIT(B) with a slot above B's descends from B) and P3 (after committing B, every PREPARE
 *   extends the lock or justifies a later slot).
 */
import type { BlockHeader, BlockRef, Phase } from '../../chain/block/types.ts';
import { headerId } from '../header.ts';
import { idKey, showRef } from '../refs.ts';
import type { HeaderState } from '../types.ts';

/** A registered block. */
export interface BlockInfo {
  readonly header: BlockHeader;
  readonly key: string;
  /** Keys of the blocks 0..num on this block's chain. */
  readonly ancestry: readonly string[];
  /** Virtual time the block was created. */
  readonly createdAt: number;
  /** The block's payload value (its contribution to the simulated UTXO state). */
  readonly value: number;
  /** Whether full validation accepts its payload. */
  readonly valid: boolean;
}

/** A broken invariant. */
export interface Violation {
  readonly kind:
    | 'conflicting-final'
    | 'lib-rewind'
    | 'uncertified-final'
    | 'double-production'
    | 'forkdb-invariant'
    | 'state-mismatch'
    | 'recovery-failed'
    | 'audit-P2'
    | 'audit-C3'
    | 'audit-C2'
    | 'audit-P3';
  readonly at: number;
  readonly detail: string;
}

/** One signed vote of an honest node, as the auditor sees it. */
export interface AuditedVote {
  readonly phase: Phase;
  readonly key: string;
  readonly slot: number;
  readonly justifySlot: number;
  readonly at: number;
}

/** Registry, safety checker and vote auditor of one simulation. */
export class World {
  readonly blocks = new Map<string, BlockInfo>();
  readonly violations: Violation[] = [];
  private finalTip: BlockInfo | undefined;
  /** Time each block first became final at some honest node. */
  readonly finalAt = new Map<string, number>();
  private readonly votes = new Map<string, AuditedVote[]>();
  private readonly producedAt = new Map<string, string>();
  private readonly states = new Map<string, { readonly who: string; readonly json: string }>();
  /** When true, `recordState` compares header states across nodes (costs a JSON encoding per block and node). */
  compareStates = false;
  /** Names of honest producers (double production by them is a violation). */
  readonly honestNames = new Set<string>();
  now = 0;

  /** Registers a newly sent block with its payload value (its parent must be registered, or it is genesis). */
  register(h: BlockHeader, value: number, valid = true): BlockInfo {
    const key = idKey(headerId(h));
    const known = this.blocks.get(key);
    if (known !== undefined) return known;
    const parent = this.blocks.get(idKey(h.parent));
    const ancestry = parent === undefined ? [key] : [...parent.ancestry, key];
    const info = { header: h, key, ancestry, createdAt: this.now, value, valid };
    this.blocks.set(key, info);
    if (this.honestNames.has(h.producer)) {
      const k = `${h.producer}:${h.slot}`;
      if (this.producedAt.has(k)) this.flag('double-production', `${h.producer} produced two blocks at slot ${h.slot}`);
      this.producedAt.set(k, key);
    }
    if (this.finalTip === undefined && h.num === 0) this.finalTip = info;
    return info;
  }

  /** True when block `b` is `a` or an ancestor of `a` (both registered). */
  extendsKey(a: string, b: string): boolean {
    const x = this.blocks.get(a);
    const y = this.blocks.get(b);
    if (x === undefined || y === undefined) return false;
    return x.ancestry[y.header.num] === b;
  }

  /** The UTXO value a node must hold with `key` as its head: the sum of payload values on its chain. */
  chainSum(key: string): number | undefined {
    const b = this.blocks.get(key);
    if (b === undefined) return undefined;
    let sum = 0;
    for (const k of b.ancestry) sum += this.blocks.get(k)!.value;
    return sum;
  }

  /** True when every block on `key`'s chain passes full validation. */
  chainValid(key: string): boolean {
    const b = this.blocks.get(key);
    return b !== undefined && b.ancestry.every((k) => this.blocks.get(k)!.valid);
  }

  /** Ids (keys) of the blocks some honest node accepted into its fork database. */
  readonly acceptedByHonest = new Set<string>();

  /**
   * Records that an honest node accepted a block with this header state; when `compareStates`, checks
   * that it computed the same state as the first honest node that accepted the block.
   */
  recordState(who: string, state: HeaderState): void {
    const key = idKey(state.ref.id);
    this.acceptedByHonest.add(key);
    if (!this.compareStates) return;
    const json = JSON.stringify(state, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
    const first = this.states.get(key);
    if (first === undefined) this.states.set(key, { who, json });
    else if (first.json !== json) this.flag('state-mismatch', `${who} computed another header state for ${showRef(state.ref)} than ${first.who}`);
  }

  /** A restarted honest node's LIB (from its block log) must not be behind or off the one it had. */
  recordRestart(who: string, before: BlockRef, after: BlockRef): void {
    if (after.num < before.num || !this.extendsKey(idKey(after.id), idKey(before.id))) this.flag('lib-rewind', `${who}: restarted at LIB ${showRef(after)}, had ${showRef(before)}`);
    this.recordFinal(who, after);
  }

  /** Records a broken invariant found outside the world's own checks. */
  flag(kind: Violation['kind'], detail: string): void {
    this.violations.push({ kind, at: this.now, detail });
  }

  /** Records a block some honest node considers final (LIB) or holds a COMMIT certificate for. */
  recordFinal(who: string, ref: BlockRef): void {
    const key = idKey(ref.id);
    const info = this.blocks.get(key);
    if (info === undefined) {
      this.flag('conflicting-final', `${who}: final block ${showRef(ref)} was never created`);
      return;
    }
    const tip = this.finalTip;
    if (tip === undefined || this.extendsKey(key, tip.key)) {
      this.finalTip = info;
    } else if (!this.extendsKey(tip.key, key)) {
      this.flag('conflicting-final', `${who}: ${showRef(ref)} conflicts with final ${showRef({ id: headerId(tip.header), num: tip.header.num, slot: tip.header.slot })}`);
    }
  }

  /** Records that an honest node's LIB moved from `from` to `to`, finalizing `newlyFinal`. */
  recordLib(who: string, from: BlockRef, to: BlockRef, newlyFinal: readonly BlockRef[], certified: boolean): void {
    if (!this.extendsKey(idKey(to.id), idKey(from.id)) || to.num <= from.num) this.flag('lib-rewind', `${who}: LIB ${showRef(from)} → ${showRef(to)}`);
    if (!certified) this.flag('uncertified-final', `${who}: LIB ${showRef(to)} without a valid COMMIT certificate`);
    this.recordFinal(who, to);
    for (const r of newlyFinal) {
      const k = idKey(r.id);
      if (!this.finalAt.has(k)) this.finalAt.set(k, this.now);
    }
  }

  /** The highest final block so far. */
  get finalHead(): BlockInfo | undefined {
    return this.finalTip;
  }

  /** Records a vote an honest node signed. */
  recordVote(who: string, v: AuditedVote): void {
    let list = this.votes.get(who);
    if (list === undefined) this.votes.set(who, (list = []));
    list.push(v);
  }

  /** Votes recorded for a node. */
  votesOf(who: string): readonly AuditedVote[] {
    return this.votes.get(who) ?? [];
  }

  /** Replays every honest node's votes against P2, C3, C2 and P3 (see the file comment). */
  audit(): void {
    for (const [who, list] of this.votes) {
      const prepares = list.filter((v) => v.phase === 'PREPARE');
      const commits = list.filter((v) => v.phase === 'COMMIT');
      for (let i = 1; i < prepares.length; i++) {
        if (!(prepares[i]!.slot > prepares[i - 1]!.slot)) this.flag('audit-P2', `${who}: PREPARE slot ${prepares[i]!.slot} after ${prepares[i - 1]!.slot}`);
      }
      for (let i = 1; i < commits.length; i++) {
        if (!(commits[i]!.slot > commits[i - 1]!.slot)) this.flag('audit-C3', `${who}: COMMIT slot ${commits[i]!.slot} after ${commits[i - 1]!.slot}`);
      }
      const before: AuditedVote[] = [];
      for (const v of list) {
        if (v.phase === 'PREPARE') {
          before.push(v);
          continue;
        }
        for (let i = before.length - 1; i >= 0 && before[i]!.slot > v.slot; i--) {
          if (!this.extendsKey(before[i]!.key, v.key)) {
            this.flag('audit-C2', `${who}: COMMIT at slot ${v.slot} after a PREPARE at slot ${before[i]!.slot} off its branch`);
            break;
          }
        }
      }
      let lock: AuditedVote | undefined;
      for (const v of list) {
        if (v.phase === 'COMMIT') {
          if (lock === undefined || v.slot > lock.slot) lock = v;
        } else if (lock !== undefined && !this.extendsKey(v.key, lock.key) && !(v.justifySlot > lock.slot)) {
          this.flag('audit-P3', `${who}: PREPARE at slot ${v.slot} leaves lock slot ${lock.slot} with justify slot ${v.justifySlot}`);
        }
      }
    }
  }
}
