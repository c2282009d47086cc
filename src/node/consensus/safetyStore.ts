/**
 * What a finalizer persists in its store's meta table (SQLite, WAL, synchronous=FULL: durable when
 * `setMeta` returns): the finalizer safety information, written before every vote leaves the node
 * (CONSENSUS.md §5.10 "FSI write → vote send"), and the COMMIT certificate that made the current LIB
 * final (so `getblock` can show the notarization of final blocks no later header carries yet).
 * A missing or corrupt FSI means the amnesia rule (`amnesiaFsi`).
 */
import { decodeQc, encodeQc } from '../../chain/block/qc.ts';
import type { QC } from '../../chain/block/types.ts';
import { INITIAL_FSI, amnesiaFsi, startupSlotFor } from '../../consensus/finalizer.ts';
import { decodeFsi, encodeFsi } from '../../consensus/persist.ts';
import type { FinalizerSafety } from '../../consensus/types.ts';
import type { StoreError } from '../../store/errors.ts';
import type { Store } from '../../store/types.ts';
import type { Result } from '../../util/errors.ts';

/** Meta key of the finalizer safety information. */
export const FSI_META_KEY = 'node.finalizerSafety';
/** Meta key of the LIB's COMMIT certificate. */
export const LIB_QC_META_KEY = 'node.libCertificate';

/** A loaded FSI and where it came from. */
export interface LoadedFsi {
  readonly fsi: FinalizerSafety;
  readonly startupSlot: number;
  /** `new`: a store with nothing but genesis and no FSI (a finalizer that never voted). */
  readonly source: 'stored' | 'new' | 'missing' | 'corrupt';
}

/**
 * Reads the FSI. A store holding nothing but genesis and no FSI is a new finalizer: it starts with the
 * initial FSI (if every producer of a new chain applied the amnesia rule, no certificate could ever
 * form). Otherwise a missing or corrupt FSI means the amnesia FSI for a start at `nowSlot`. Either
 * way no vote goes to a slot before the startup slot, so a node cannot sign twice for one slot across
 * a restart. (Restoring a producer from a wiped datadir makes it look new: keep its store.)
 */
export function loadFsi(store: Pick<Store, 'getMeta' | 'height'>, nowSlot: number): LoadedFsi {
  const startupSlot = startupSlotFor(nowSlot);
  const bytes = store.getMeta(FSI_META_KEY);
  if (bytes === undefined && store.height() <= 0) return { fsi: INITIAL_FSI, startupSlot, source: 'new' };
  if (bytes === undefined) return { fsi: amnesiaFsi(startupSlot), startupSlot, source: 'missing' };
  const d = decodeFsi(bytes);
  if (!d.ok) return { fsi: amnesiaFsi(startupSlot), startupSlot, source: 'corrupt' };
  return { fsi: d.value, startupSlot, source: 'stored' };
}

/** Writes the FSI durably (returns once it is on disk). */
export function saveFsi(store: Pick<Store, 'setMeta'>, fsi: FinalizerSafety): Result<void, StoreError> {
  return store.setMeta(FSI_META_KEY, encodeFsi(fsi));
}

/** The stored LIB certificate, if any and readable. */
export function loadLibQc(store: Pick<Store, 'getMeta'>): QC | undefined {
  const bytes = store.getMeta(LIB_QC_META_KEY);
  if (bytes === undefined) return undefined;
  const d = decodeQc(bytes);
  return d.ok ? d.value : undefined;
}

/** Records the LIB's certificate. */
export function saveLibQc(store: Pick<Store, 'setMeta'>, qc: QC): Result<void, StoreError> {
  return store.setMeta(LIB_QC_META_KEY, encodeQc(qc));
}
