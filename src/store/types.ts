/**
 * Public types of the store: what `openStore` returns, what the RPC layer reads, and the hook contract
 * through which the CC host runs modules' index hooks inside a block's SQLite transaction.
 */
import type { ModuleIndexReader as SdkModuleIndexReader, ModuleIndexStore as SdkModuleIndexStore } from '../cc/host/module.ts';
import type { AddressKey } from '../chain/scriptKeys.ts';
import type { BlockDelta, Coin, CoinEntry, OutPoint, UtxoView } from '../chain/state/types.ts';
import type { Result } from '../util/errors.ts';
import type { StoreError } from './errors.ts';
import type { ReplayRules } from './replay.ts';

/** Options of `openStore`. */
export interface OpenStoreOptions {
  /** The chain id (32 bytes) of the spec this node runs; a datadir of another chain is refused. */
  readonly chainId: Uint8Array;
  /** The chain's name, only for messages. */
  readonly chainName?: string;
}

/** A block of the block log. */
export interface StoredBlock {
  readonly height: number;
  /** 32-byte block id. */
  readonly id: Uint8Array;
  /** The serialized block (header and transactions). */
  readonly bytes: Uint8Array;
}

/** A header of the block log. */
export interface StoredHeader {
  readonly height: number;
  readonly id: Uint8Array;
  /** The serialized header (the first bytes of the block). */
  readonly bytes: Uint8Array;
}

/** A confirmed transaction (getrawtransaction). */
export interface StoredTx {
  /** Legacy serialization. */
  readonly bytes: Uint8Array;
  readonly height: number;
  readonly blockId: Uint8Array;
  /** Index of the transaction in its block (0 = coinbase). */
  readonly pos: number;
}

/** The chain tip. */
export interface TipInfo {
  readonly height: number;
  readonly id: Uint8Array;
}

/** An unspent output of an address (getaddressutxos). */
export interface AddressUtxo extends CoinEntry {}

/** Balance of an address (getaddressbalance): unspent total and total ever received, in satoshis. */
export interface AddressBalance {
  readonly balance: bigint;
  readonly received: bigint;
}

/** An inclusive height range; either end may be omitted. */
export interface HeightRange {
  readonly start?: number;
  readonly end?: number;
}

/** One change of an address balance (getaddressdeltas): an output paid to it or an input spending one. */
export interface AddressDelta {
  /** The transaction that paid (`spending: false`) or spent (`spending: true`). */
  readonly txid: Uint8Array;
  readonly height: number;
  /** Position of that transaction in its block. */
  readonly pos: number;
  /** The output index (receive) or input index (spend). */
  readonly index: number;
  /** Satoshis: positive for a receive, negative for a spend. */
  readonly satoshis: bigint;
  readonly spending: boolean;
}

/** Who spent an output (getspentinfo). */
export interface SpentInfo {
  readonly txid: Uint8Array;
  /** Input index in the spending transaction. */
  readonly vin: number;
  /** Height of the spending block. */
  readonly height: number;
}

/** Paging of list queries. */
export interface ListOptions {
  /** At most this many results (default: all). */
  readonly limit?: number;
  /** Only outputs after this one in chain order (a cursor from a previous page). */
  readonly after?: OutPoint;
}

/**
 * The module index types are the module SDK's (CC.md B8.2, `src/cc/host/module.ts`); the store adds the
 * module name to the reader it hands out. Keys are byte strings ordered bytewise, so a module lays out
 * its tables as key prefixes (e.g. `'u' ‖ txid ‖ vout`). Writes through a `ModuleIndexStore` are valid
 * only while the hook that received it runs, and are journaled: `disconnectTip` restores each touched
 * key byte for byte, whatever the module's disconnect hook does (keys ≤ 1,024 bytes, values ≤ 4 MiB).
 */
export type { ModuleIndexEntry, ModuleScanOptions } from '../cc/host/module.ts';

/** Read access to one module's namespaced key-value index, tagged with the module's name. */
export interface ModuleIndexReader extends SdkModuleIndexReader {
  readonly module: string;
}

/** Write access to one module's index (see above). */
export interface ModuleIndexStore extends ModuleIndexReader, SdkModuleIndexStore {}

/** What a block hook sees. */
export interface BlockHookContext {
  /** 'connect' or 'disconnect'. */
  readonly action: 'connect' | 'disconnect';
  /** The block's delta (on disconnect, rebuilt from the block log, the undo record and `txout`). */
  readonly delta: BlockDelta;
  /** The store's coins in the state with the block applied (connect: after; disconnect: before undoing). */
  readonly view: UtxoView;
  /** The index store of module `name` (same object for repeated calls). */
  moduleIndex(name: string): ModuleIndexStore;
}

/**
 * Hooks run inside the block's SQLite transaction, after the core tables are written on connect and
 * before they are reverted on disconnect (both see the block applied). A hook that throws aborts the
 * whole block: nothing is written (`STORE_HOOK_FAILED`).
 */
export interface BlockHooks {
  connect?(ctx: BlockHookContext): void;
  disconnect?(ctx: BlockHookContext): void;
}

/** The outcome of `connectBlock`. */
export interface ConnectInfo {
  readonly height: number;
  readonly id: Uint8Array;
  readonly txCount: number;
}

/** A key a module's disconnect hook left different from its state before the block. */
export interface ModuleIndexMismatch {
  readonly module: string;
  readonly key: Uint8Array;
  /** The value before the block (undefined = absent), which the store restored. */
  readonly expected: Uint8Array | undefined;
  /** What the hook left. */
  readonly actual: Uint8Array | undefined;
}

/** The outcome of `disconnectTip`. */
export interface DisconnectInfo {
  /** The block that was disconnected. */
  readonly height: number;
  readonly id: Uint8Array;
  /** The new tip (undefined when the store is empty again). */
  readonly tip: TipInfo | undefined;
  /** Keys the disconnect hook did not restore (empty when it is exact or no hook ran); fixed anyway. */
  readonly moduleIndexMismatches: readonly ModuleIndexMismatch[];
}

/** Options of `verifyConsistency`. */
export interface VerifyOptions {
  /** Which outputs are not coins and whose coins count as coinbase (default: DEFAULT_REPLAY_RULES). */
  readonly rules?: ReplayRules;
  /** Also run SQLite's `quick_check` (table/index agreement, page structure). */
  readonly sqlite?: boolean;
  /** Report at most this many problems (default 50). */
  readonly maxProblems?: number;
}

/** The outcome of `verifyConsistency`. */
export interface ConsistencyReport {
  /** True when no problem was found. */
  readonly ok: boolean;
  /** The tip height checked (-1 for an empty store). */
  readonly height: number;
  readonly txs: number;
  /** Output rows (spent and unspent) compared. */
  readonly outputs: number;
  readonly unspent: number;
  /** Human-readable problems, at most `maxProblems`. */
  readonly problems: readonly string[];
  /** Number of problems found (may exceed `problems.length`). */
  readonly problemCount: number;
}

/** A canonical text dump of every table: table name → rows in primary-key order. */
export type StoreDump = Readonly<Record<string, readonly string[]>>;

/** The chain store of one datadir. It is also the `UtxoView` of the chain tip. */
export interface Store extends UtxoView {
  /** The datadir, or `':memory:'`. */
  readonly dir: string;
  /** The tip, or undefined when no block is connected. */
  tip(): TipInfo | undefined;
  /** The tip height (-1 when empty). */
  height(): number;
  /** The last irreversible block height (-1 when none is set). */
  lib(): number;
  /** Records a new LIB (durably); it may not pass the tip or go back. */
  setLib(height: number): Result<void, StoreError>;
  /** Connects the block at tip + 1 as one SQLite transaction. */
  connectBlock(delta: BlockDelta, hooks?: BlockHooks): Result<ConnectInfo, StoreError>;
  /** Connects consecutive blocks in one SQLite transaction (all or none); for sync and replay. */
  connectBlocks(deltas: readonly BlockDelta[], hooks?: BlockHooks): Result<ConnectInfo[], StoreError>;
  /** Disconnects the tip (above LIB) as one SQLite transaction, restoring the previous state exactly. */
  disconnectTip(hooks?: BlockHooks): Result<DisconnectInfo, StoreError>;
  /** The unspent coin at an outpoint (UtxoView). */
  getCoin(outpoint: OutPoint): Coin | undefined;
  getBlockByHeight(height: number): StoredBlock | undefined;
  getBlockById(id: Uint8Array): StoredBlock | undefined;
  /** A header by height or block id. */
  getHeader(at: number | Uint8Array): StoredHeader | undefined;
  getTx(txid: Uint8Array): StoredTx | undefined;
  /** Unspent outputs of an address in chain order (the kind is part of the key: CC ≠ P2PKH). */
  getAddressUtxos(key: AddressKey, opts?: ListOptions): AddressUtxo[];
  getAddressBalance(key: AddressKey): AddressBalance;
  /** Txids that paid or spent from the address, in chain order, once each, within a height range. */
  getAddressTxids(key: AddressKey, range?: HeightRange): Uint8Array[];
  /** Every receive and spend of the address within a height range, in chain order. */
  getAddressDeltas(key: AddressKey, range?: HeightRange): AddressDelta[];
  /** The spender of an output, or undefined when it is unspent or unknown. */
  getSpentInfo(outpoint: OutPoint): SpentInfo | undefined;
  /** Unspent CC outputs whose params tail names `evalCode`, in chain order. */
  getUtxosByEvalCode(evalCode: number, opts?: ListOptions): CoinEntry[];
  /** Read access to a module's index as of the tip. */
  moduleIndex(name: string): ModuleIndexReader;
  /** A small value of the chain meta table (e.g. finalizer safety state), or undefined. */
  getMeta(key: string): Uint8Array | undefined;
  /** Durably sets (or, with undefined, removes) a meta value; keys starting with `store.` are reserved. */
  setMeta(key: string, value: Uint8Array | undefined): Result<void, StoreError>;
  /** Replays the block log from genesis and compares every table with the result. */
  verifyConsistency(opts?: VerifyOptions): ConsistencyReport;
  /** A canonical dump of every table (tests, `--check` diffs). */
  dump(): StoreDump;
  /** Closes the database and releases the datadir lock. Idempotent. */
  close(): void;
}
