/**
 * The producer watermark (CONSENSUS.md §5.3, §5.10): the last slot this node signed a block for,
 * written durably (a store meta value, fsynced) before the block is signed. A restart therefore never
 * signs two blocks for one slot. A missing or corrupt value means "nothing before start-up": the node
 * produces only after the slot it started in (`watermarkAfterAmnesia`).
 */
import { slotAt } from '../chain/params.ts';
import { decodeWatermark, encodeWatermark, watermarkAfterAmnesia } from '../consensus/persist.ts';
import type { ProducerWatermark } from '../consensus/types.ts';
import type { Store } from '../store/types.ts';
import type { Result } from '../util/errors.ts';
import type { StoreError } from '../store/errors.ts';
import type { NodeParts } from './parts.ts';

/** Meta key of the watermark in the store. */
export const WATERMARK_META_KEY = 'node.producerWatermark';

/** What was loaded, and whether it came from the store or from the amnesia rule. */
export interface LoadedWatermark {
  readonly watermark: ProducerWatermark;
  readonly source: 'stored' | 'missing' | 'corrupt';
}

/** Reads the watermark; without a valid one, `startupSlot` is taken as produced. */
export function loadWatermark(store: Pick<Store, 'getMeta'>, startupSlot: number): LoadedWatermark {
  const bytes = store.getMeta(WATERMARK_META_KEY);
  if (bytes === undefined) return { watermark: watermarkAfterAmnesia(startupSlot), source: 'missing' };
  const d = decodeWatermark(bytes);
  if (!d.ok) return { watermark: watermarkAfterAmnesia(startupSlot), source: 'corrupt' };
  return { watermark: d.value, source: 'stored' };
}

/** Writes the watermark durably (returns when it is on disk). */
export function saveWatermark(store: Pick<Store, 'setMeta'>, w: ProducerWatermark): Result<void, StoreError> {
  return store.setMeta(WATERMARK_META_KEY, encodeWatermark(w));
}

/**
 * The watermark a starting producer works from: the stored one, or else (logged) the later of the
 * current slot and the tip's slot counts as produced. Example: `this.watermark = startupWatermark(opts)`.
 */
export function startupWatermark(o: Pick<NodeParts, 'spec' | 'store' | 'chain' | 'log' | 'now'>): ProducerWatermark {
  const nowSlot = slotAt(o.spec, o.now());
  const loaded = loadWatermark(o.store, Math.max(nowSlot, o.chain.tipRef().slot));
  if (loaded.source !== 'stored') o.log.info('no producer watermark: producing only after the current slot', { source: loaded.source, slot: loaded.watermark.lastProducedSlot });
  return loaded.watermark;
}
