/**
 * What the node keeps in memory about its chain: every block's id and slot (for block times and the
 * ancestors accumulator the next header commits to), and the tip's decoded header. Rebuilt from the
 * store's block log at start-up, then appended to as blocks connect.
 */
import { ancestorsAppend, EMPTY_ANCESTORS } from '../chain/block/ancestors.ts';
import type { AncestorsAccumulator } from '../chain/block/ancestors.ts';
import { decodeHeader } from '../chain/block/header.ts';
import type { BlockHeader, BlockRef } from '../chain/block/types.ts';
import { slotStartMs } from '../chain/params.ts';
import type { ChainSpec } from '../chain/spec/types.ts';
import type { Store } from '../store/types.ts';
import { CchostError } from '../util/errors.ts';

/** How many previous accumulators `pop` can restore without a rebuild. */
const RECENT_ACCUMULATORS = 256;

/** The in-memory chain index. Example: `const chain = ChainState.load(store, spec); chain.tipRef()`. */
export class ChainState {
  private readonly ids: Uint8Array[] = [];
  private readonly slots: number[] = [];
  private acc: AncestorsAccumulator = EMPTY_ANCESTORS;
  /** Accumulators before the most recent appends (newest last), so `pop` rarely rebuilds. */
  private readonly recentAcc: AncestorsAccumulator[] = [];
  private header: BlockHeader | undefined;

  private constructor(readonly spec: ChainSpec) {}

  /** Reads every header of the store (heights 0..tip). Throws STORE_CORRUPT when one is missing or unreadable. */
  static load(store: Pick<Store, 'height' | 'getHeader'>, spec: ChainSpec): ChainState {
    const s = new ChainState(spec);
    const tip = store.height();
    for (let h = 0; h <= tip; h++) {
      const stored = store.getHeader(h);
      if (stored === undefined) throw new CchostError('STORE_CORRUPT', `block ${h} is missing from the block log; run the consistency check`, { height: h });
      const d = decodeHeader(stored.bytes);
      if (!d.ok) throw new CchostError('STORE_CORRUPT', `block ${h}'s stored header does not decode: ${d.error.message}`, { height: h });
      s.append(d.value, stored.id);
    }
    return s;
  }

  /** Records a connected block (its height must be the next one). */
  append(header: BlockHeader, id: Uint8Array): void {
    if (header.num !== this.ids.length) throw new RangeError(`block ${header.num} appended at height ${this.ids.length}`);
    this.ids.push(id);
    this.slots.push(header.slot);
    this.recentAcc.push(this.acc);
    if (this.recentAcc.length > RECENT_ACCUMULATORS) this.recentAcc.shift();
    this.acc = ancestorsAppend(this.acc, id);
    this.header = header;
  }

  /**
   * Forgets the tip block after the store disconnected it (a branch switch); `tipHeader` becomes the
   * new tip's, decoded from `newTipHeader`. Throws `RangeError` below genesis.
   */
  pop(newTipHeader: BlockHeader): void {
    if (this.ids.length <= 1) throw new RangeError('cannot pop genesis');
    if (newTipHeader.num !== this.ids.length - 2) throw new RangeError(`the new tip header is block ${newTipHeader.num}, not ${this.ids.length - 2}`);
    this.ids.pop();
    this.slots.pop();
    const prev = this.recentAcc.pop();
    if (prev !== undefined) this.acc = prev;
    else {
      // deeper than the remembered history: rebuild over the ids (one pass, O(n) hashes)
      let acc = EMPTY_ANCESTORS;
      for (const id of this.ids) acc = ancestorsAppend(acc, id);
      this.acc = acc;
    }
    this.header = newTipHeader;
  }

  /** Tip height (-1 before genesis). */
  get height(): number {
    return this.ids.length - 1;
  }

  /** The tip's decoded header (throws before genesis). */
  get tipHeader(): BlockHeader {
    if (this.header === undefined) throw new RangeError('the chain has no blocks yet');
    return this.header;
  }

  /** The tip's reference {id, num, slot}. */
  tipRef(): BlockRef {
    const h = this.height;
    return { id: this.ids[h]!, num: h, slot: this.slots[h]! };
  }

  /** Reference of the block at `height` (undefined above the tip). */
  refAt(height: number): BlockRef | undefined {
    const id = this.ids[height];
    return id === undefined ? undefined : { id, num: height, slot: this.slots[height]! };
  }

  /** The accumulator over blocks 0..tip (what the next block's ancestorsRoot commits to). */
  get ancestors(): AncestorsAccumulator {
    return this.acc;
  }

  /** Time (unix ms, slot start) of the block at `height` ≤ tip. */
  readonly blockTimeAt = (height: number): number => {
    const slot = this.slots[height];
    if (slot === undefined) throw new RangeError(`no block at height ${height}`);
    return slotStartMs(this.spec, slot);
  };
}
