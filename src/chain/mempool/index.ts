/** The mempool: acceptance, conflicts, chains, block selection, eviction, block and reorg updates. */
export { Mempool } from './mempool.ts';
export type { AcceptOptions, AcceptResult, BlockConnectedResult, MempoolContext, MempoolOptions, MempoolStats, RemovedTx } from './mempool.ts';
export type { MempoolEntry, MempoolEntryInfo } from './entry.ts';
export { ancestorsOf, compareFeeRate, descendantsOf } from './entry.ts';
export { MEMPOOL_HEIGHT, MempoolView } from './view.ts';
export type { PoolIndex } from './view.ts';
export {
  MAX_STANDARD_OP_RETURN_BYTES,
  MAX_STANDARD_SCRIPTSIG_BYTES,
  MAX_STANDARD_TX_BYTES,
  MAX_STANDARD_TX_VERSION,
  checkStandardInputs,
  checkStandardTx,
  classifyOutput,
  dustThreshold,
  feeForSize,
} from './policy.ts';
export type { OutputKind, StandardOptions } from './policy.ts';
export { selectByAncestorFeeRate } from './select.ts';
