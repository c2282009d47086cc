/**
 * What a simulated node keeps on disk, written in explicit steps (CONSENSUS.md §5.10), so a crash can
 * land between any two of them: the block log (final chain), the fork-database file (reversible
 * blocks), the UTXO store (tip, value and one undo record per applied block), the FSI file and the
 * watermark file (both in their real byte formats, with checksums). A restart rebuilds the node from
 * this alone (`recover`); memory does not survive.
 *
 * Persistence order of a node (each arrow a point a crash may fall on): block received → fork file;
 * store apply / undo one block at a time; FSI write → vote send; watermark write → block send; newly
 * final blocks appended to the log one by one → log synced → fork-database root advanced and the fork
 * file pruned.
 */
import type { BlockHeader, BlockRef } from '../../chain/block/types.ts';
import { amnesiaFsi } from '../finalizer.ts';
import { ForkDb } from '../forkDb.ts';
import { headerId } from '../header.ts';
import type { ConsensusConfig } from '../config.ts';
import { nextHeaderState } from '../headerState.ts';
import { decodeFsi, decodeWatermark, watermarkAfterAmnesia } from '../persist.ts';
import { idKey } from '../refs.ts';
import type { FinalizerSafety, HeaderState, ProducerWatermark } from '../types.ts';

/** Final header states handed to a rebuilt fork database (claims in new headers may name them). */
const RETAINED_FINAL = 4096;

/** A simulated block's body: a number, and whether "full validation" accepts it. */
export interface Payload {
  readonly value: number;
  readonly valid: boolean;
}

/** A block as stored: header and body. */
export interface Stored {
  readonly header: BlockHeader;
  readonly payload: Payload;
}

/** A final block in the block log, with its header state (the snapshot a node would keep). */
export interface LogEntry extends Stored {
  readonly state: HeaderState;
}

/** The points between persistence steps where a crash may be scripted. */
export type PersistPoint =
  /** A received block was written to the fork-database file. */
  | 'block-stored'
  /** The UTXO store applied one block on its tip (one atomic batch). */
  | 'store-apply'
  /** The UTXO store undid one block (a branch switch, or a roll-back after a failed block). */
  | 'store-undo'
  /** The UTXO store applied one block after undoing others in the same head change (a switch half done). */
  | 'store-redo'
  /** A block failed full validation during a head change (nothing written; a switch may be half done). */
  | 'apply-failed'
  /** Invalid blocks were removed from the fork-database file. */
  | 'block-dropped'
  /** The FSI file was written; the vote is not sent yet. */
  | 'fsi-written'
  /** The vote was sent. */
  | 'vote-sent'
  /** The watermark file was written; the block is not sent yet. */
  | 'watermark-written'
  /** The produced block was sent. */
  | 'block-sent'
  /** One newly final block was appended to the block log. */
  | 'log-append'
  /** All newly final blocks are in the log; the fork-database root is not advanced yet. */
  | 'log-synced'
  /** The fork-database file was pruned to the new root (the root advance is complete). */
  | 'fork-pruned';

/** Which files survive a crash (default: all). */
export interface SurvivingFiles {
  readonly keepFsi?: boolean;
  /** The FSI file survives but one byte is flipped (its checksum fails: amnesia rule). */
  readonly corruptFsi?: boolean;
  readonly keepWatermark?: boolean;
  /** The fork-database file survives (else the node re-learns reversible blocks from the network). */
  readonly keepForkDb?: boolean;
}

/** What `recover` rebuilt. */
export interface Recovered {
  readonly db: ForkDb<Payload>;
  /** UTXO value at the store tip after any roll-back to a known block (the head is that tip). */
  readonly appliedSum: number;
  /** UTXO value at the root (sum over the block log). */
  readonly rootSum: number;
  readonly fsi: FinalizerSafety;
  /** True when the FSI file was missing or corrupt (the amnesia rule applies). */
  readonly amnesia: boolean;
  readonly watermark: ProducerWatermark;
  /** Every block the node can serve to peers (log and fork file), by id key. */
  readonly blocks: Map<string, Stored>;
  /** Fork-file blocks at or below the root (left by a crash during a root advance), ignored. */
  readonly stale: number;
  /** Blocks the store was rolled back through its undo records (its tip was unknown after the crash). */
  readonly rolledBack: number;
  /** The block the head resumed at (the store tip after any roll-back). */
  readonly resumedAt: BlockRef;
}

/** The simulated disk of one node (see the file comment). */
export class SimDisk {
  readonly log: LogEntry[] = [];
  readonly forkFile = new Map<string, Stored>();
  storeTip: string;
  storeSum = 0;
  /** Undo record per applied, not yet final block: its parent and its value. */
  readonly undo = new Map<string, { readonly parent: string; readonly value: number }>();
  fsi: Uint8Array | undefined;
  watermark: Uint8Array | undefined;

  constructor(genesis: LogEntry) {
    this.log.push(genesis);
    this.storeTip = idKey(genesis.state.ref.id);
  }

  /** The store applies `b` on its tip. */
  storeApply(key: string, parentKey: string, value: number): void {
    if (this.storeTip !== parentKey) throw new Error(`store: apply ${key} on ${parentKey}, tip is ${this.storeTip}`);
    this.undo.set(key, { parent: parentKey, value });
    this.storeSum += value;
    this.storeTip = key;
  }

  /** The store undoes its tip `key`. */
  storeUndo(key: string): void {
    const u = this.undo.get(key);
    if (this.storeTip !== key || u === undefined) throw new Error(`store: undo ${key}, tip is ${this.storeTip}`);
    this.storeSum -= u.value;
    this.storeTip = u.parent;
    this.undo.delete(key);
  }

  /** Applies a crash's losses to the files (see `SurvivingFiles`). */
  lose(files: SurvivingFiles): void {
    if (files.keepFsi === false) this.fsi = undefined;
    if (files.corruptFsi === true && this.fsi !== undefined) {
      const bad = this.fsi.slice();
      bad[5] = bad[5]! ^ 0x40;
      this.fsi = bad;
    }
    if (files.keepWatermark === false) this.watermark = undefined;
    if (files.keepForkDb === false) this.forkFile.clear();
  }

  /**
   * Rebuilds a node from the files (§5.10 restart steps 1–3): root = the last block of the log, with
   * the log's recent header states as the fork database's history (new headers' claims may name
   * them); the fork file's blocks that descend from it are re-added (stale ones from a crash during a root
   * advance are ignored); the store is rolled back through its undo records until its tip is a block
   * the fork database holds, and the head resumes there; FSI and watermark are decoded, and a missing
   * or corrupt file means the amnesia rule. Returns an error message when the store cannot be
   * reconciled (a broken persistence order).
   */
  recover(config: ConsensusConfig, startupSlot: number): Recovered | string {
    const root = this.log[this.log.length - 1]!;
    const history = this.log.slice(Math.max(0, this.log.length - 1 - RETAINED_FINAL), -1).map((e) => e.state);
    const db = new ForkDb<Payload>(root.header, root.state, root.payload, { history });
    const blocks = new Map<string, Stored>();
    let rootSum = 0;
    for (const e of this.log) {
      rootSum += e.payload.value;
      blocks.set(idKey(e.state.ref.id), e);
    }
    const files = [...this.forkFile.values()];
    const rev = files.filter((s) => s.header.slot > root.header.slot).sort((a, b) => a.header.num - b.header.num);
    for (const s of rev) {
      const p = db.get(s.header.parent);
      if (p === undefined) continue;
      const st = nextHeaderState(config, p.state, s.header, db.ancestorStateFor(s.header.parent));
      if (st.ok && db.add(s.header, st.value, s.payload).ok) blocks.set(idKey(headerId(s.header)), s);
    }
    const rootKey = idKey(root.state.ref.id);
    // final blocks' undo records are gone: the store tip is the root, a reversible block, or one the
    // fork file lost (then roll back through the undo records)
    let rolledBack = 0;
    while (this.storeTip !== rootKey && !blocks.has(this.storeTip)) {
      if (!this.undo.has(this.storeTip)) return `store tip ${this.storeTip.slice(0, 8)} is neither known nor undoable`;
      this.storeUndo(this.storeTip);
      rolledBack++;
    }
    const tipId = Uint8Array.from(Buffer.from(this.storeTip, 'hex'));
    const resumed = db.resumeAt(tipId);
    if (!resumed.ok) return `store tip ${this.storeTip.slice(0, 8)} is not in the rebuilt fork database`;
    for (const k of [...this.undo.keys()]) if (!blocks.has(k)) this.undo.delete(k);
    const f = this.fsi === undefined ? undefined : decodeFsi(this.fsi);
    const w = this.watermark === undefined ? undefined : decodeWatermark(this.watermark);
    return {
      db,
      appliedSum: this.storeSum,
      rootSum,
      fsi: f !== undefined && f.ok ? f.value : amnesiaFsi(startupSlot),
      amnesia: !(f !== undefined && f.ok),
      watermark: w !== undefined && w.ok ? w.value : watermarkAfterAmnesia(startupSlot),
      blocks,
      stale: files.length - rev.length,
      rolledBack,
      resumedAt: resumed.value.ref,
    };
  }
}
