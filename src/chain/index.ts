/**
 * The chain layer (layer 4): chain spec and parameters, genesis, blocks and merkle roots, transaction
 * decoding and checks, UTXO views and deltas, validation and block connection, the mempool.
 */
export * from './block/index.ts';
export * from './spec/index.ts';
export * from './params.ts';
export { NULL_BLOCK_REF, buildCoinbase, buildGenesisBlock, buildGenesisTransaction, genesisRef, scriptNumPush } from './genesis.ts';
export { merkleBranch, merkleRoot, merkleRootFromBranch, txMerkleRoot } from './merkle.ts';
export type { MerkleResult } from './merkle.ts';
export { CORE_MAX_TX_BYTES, checkTransaction, isCoinbase, legacyTxSize } from './checkTransaction.ts';
export type { CheckTransactionOptions } from './checkTransaction.ts';
export { parseTransaction } from './transaction.ts';
export { TxErrorCode } from './errors.ts';
export type { TxError } from './errors.ts';
export * from './state/index.ts';
export * from './validation/index.ts';
export * from './mempool/index.ts';
