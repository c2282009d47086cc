/** UTXO state: the store contract (types.ts), in-memory and overlay views, deltas and their undo, keys, txids. */
export type { BlockDelta, Coin, CoinEntry, OutPoint, SpentCoin, Transaction, UtxoView } from './types.ts';
export { outpointKey } from './types.ts';
export { displayOutpoint, displayTxid, keyOf, outpointKeyFast, txidKey } from './key.ts';
export { MemoryUtxoView } from './memoryView.ts';
export type { MutableUtxoSet } from './memoryView.ts';
export { CoinsOverlay, isUnspendable } from './overlay.ts';
export type { OverlayChanges, OverlaySpend } from './overlay.ts';
export { applyDelta, genesisDelta, revertDelta, undoOps } from './delta.ts';
export type { UndoOps } from './delta.ts';
export { txidOf } from './txid.ts';
