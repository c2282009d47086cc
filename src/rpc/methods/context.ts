/**
 * What the node's RPC methods see of the node: a narrow interface the composition root
 * (`src/node/createNode.ts`) implements, so every handler can be tested against a real in-process
 * node without an HTTP server, and a test double can stand in where a node would be too heavy.
 */
import type { Transaction } from 'bitcoinjs-lib';
import type { BlockHeader } from '../../chain/block/types.ts';
import type { AcceptResult, MempoolContext } from '../../chain/mempool/mempool.ts';
import type { Mempool } from '../../chain/mempool/mempool.ts';
import type { ChainSpec } from '../../chain/spec/types.ts';
import type { TxRejection } from '../../chain/validation/errors.ts';
import type { Store } from '../../store/types.ts';
import type { Result } from '../../util/errors.ts';
import type { Wallet } from '../../wallet/wallet.ts';

/** The store reads the RPC methods make. */
export type NodeStoreReader = Pick<
  Store,
  | 'getBlockByHeight'
  | 'getBlockById'
  | 'getHeader'
  | 'getTx'
  | 'getCoin'
  | 'getAddressUtxos'
  | 'getAddressBalance'
  | 'getAddressTxids'
  | 'getAddressDeltas'
  | 'getSpentInfo'
>;

/** Options of `submitTransaction`. */
export interface SubmitOptions {
  /** Verify on the calling thread and add at once, ahead of queued submissions. */
  readonly inline?: boolean;
  /** The bytes the transaction was parsed from (`parseTransaction`), so it need not be serialized again. */
  readonly bytes?: Uint8Array;
}

/** The chain tip as the RPC layer reports it. */
export interface TipInfo {
  readonly height: number;
  readonly id: Uint8Array;
  readonly slot: number;
  /** The tip block's time (its slot start, unix ms). */
  readonly timeMs: number;
  readonly header: BlockHeader;
}

/** The last irreversible block. */
export interface LibInfo {
  readonly height: number;
  readonly id: Uint8Array;
}

/** A module enabled on the chain and present in the node. */
export interface ModuleInfo {
  readonly name: string;
  readonly evalCode: number;
  readonly version: number;
  readonly activationHeight: number;
}

/** The node, as RPC handlers use it. */
export interface NodeContext {
  readonly spec: ChainSpec;
  /** Chain id, 64 hex digits. */
  readonly chainId: string;
  /** cchost version (package.json). */
  readonly version: string;
  readonly store: NodeStoreReader;
  readonly mempool: Mempool;
  /** The node's wallet, when it has one. */
  readonly wallet: Wallet | undefined;
  /** Registered modules, ascending eval code. */
  readonly modules: readonly ModuleInfo[];
  /** Unix ms at which the node started. */
  readonly startedAtMs: number;
  tip(): TipInfo;
  lib(): LibInfo;
  /** Time (unix ms) of the block at a height ≤ tip. */
  blockTimeAt(height: number): number;
  /** The mempool's context at the current tip (for acceptance and views). */
  mempoolContext(): MempoolContext;
  /**
   * Validates a transaction against tip + mempool and adds it. Signatures may be verified on worker
   * threads; acceptance happens in submission order. `inline` verifies on the calling thread and adds
   * at once, ahead of queued submissions: the wallet's own transactions, so that its next coin
   * selection sees the spend.
   */
  submitTransaction(tx: Transaction, options?: SubmitOptions): Promise<Result<AcceptResult, TxRejection>>;
  /** The same checks as `submitTransaction`, as a dry run that leaves the mempool as it was (testmempoolaccept). */
  testTransaction(tx: Transaction): Result<AcceptResult, TxRejection>;
  /** The RPC port the node listens on, once it does. */
  rpcPort(): number | undefined;
  /** Asks the node to shut down (after the current reply is sent). */
  requestStop(): void;
}
