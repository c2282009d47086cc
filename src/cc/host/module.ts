/**
 * The module interface (CC.md B8.2) and what the host hands a module: its inputs and outputs, the
 * validation context, the transaction view and its own index. Every argument is deeply read-only; a
 * module that mutates one is broken. `validate` and `validateOutputs` must be pure (B8.5).
 */
import type { Transaction } from 'bitcoinjs-lib';
import type { CCNode } from '../conditions/index.ts';
import type { MethodDef } from '../../rpc/method.ts';
import type { HostChainParams, HostCoin, HostValidationMode } from './types.ts';
import type { ParamsTail } from './tail.ts';

/**
 * A module's verdict. A rejection's `code` MUST be a key of the module's `errors`; the host reports
 * it as `<name>/<CODE>` (B8.6). `input` is the transaction input index it concerns, when any.
 * Example: `{ ok: false, code: 'BAD_COUNT', message: 'count must grow by one', input: 0 }`.
 */
export type Verdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly input?: number };

/** One transaction input that dispatched this module (B4 step 8); one per input and module. */
export interface CCInput {
  /** Input index in the transaction. */
  readonly index: number;
  /** The spent outpoint; `txid` in internal byte order. */
  readonly prevout: { readonly txid: Uint8Array; readonly vout: number };
  /** The spent output: its value, script, condition C and tail when it has one. */
  readonly spent: { readonly value: bigint; readonly script: Uint8Array; readonly condition: Uint8Array; readonly tail?: ParamsTail | undefined };
  /** The parsed fulfillment; every fulfilled signature node has been verified against `sighash`. */
  readonly tree: CCNode;
  /** The params (`code[1..]`) of each of this module's fulfilled eval nodes, in DER order. */
  readonly evals: readonly Uint8Array[];
  /** The hash type h of the fulfillment push. */
  readonly hashType: number;
  /** The B5 message m the signatures cover (legacy sighash over the CC sub-script). */
  readonly sighash: Uint8Array;
  /** The module witness W (second scriptSig push), unsigned: validate it completely (B3.5). */
  readonly witness?: Uint8Array | undefined;
}

/** One created output whose params tail names this module. */
export interface CCOutput {
  /** Output index in the transaction. */
  readonly index: number;
  readonly value: bigint;
  readonly script: Uint8Array;
  /** The condition C of the template. */
  readonly condition: Uint8Array;
  readonly tail: ParamsTail;
}

/** Who spent an output: the spending txid (internal order) and its input index. */
export interface SpenderRef {
  readonly txid: Uint8Array;
  readonly vin: number;
}

/**
 * The transactions and coins a module may read (B8.4): the chain plus the earlier transactions of
 * the same block (block mode) or the mempool (mempool mode).
 */
export interface TxView {
  /** A transaction by txid (internal order): pending ones always, confirmed ones when the node gave a lookup. */
  getTx(txid: Uint8Array): Transaction | undefined;
  /** The unspent coin at (txid, vout), or undefined when it does not exist or is spent. */
  getUtxo(txid: Uint8Array, vout: number): HostCoin | undefined;
  /** Who spent (txid, vout), when the node gave a spent index; otherwise undefined. */
  getSpender(txid: Uint8Array, vout: number): SpenderRef | undefined;
}

/** One entry of a module's index. */
export interface ModuleIndexEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** Options of a prefix scan. */
export interface ModuleScanOptions {
  /** Descending key order. */
  readonly reverse?: boolean;
  /** At most this many entries. */
  readonly limit?: number;
  /** Start after this key (exclusive, in scan order), for paging. */
  readonly after?: Uint8Array;
}

/**
 * Read access to a module's own index, as of the previous block (B8.4). Keys and values are bytes in
 * the module's own namespace: the store keeps one namespace per module name, so a module never sees
 * another's keys; it lays out its tables as key prefixes (e.g. `'u' ‖ txid ‖ vout`). `scan(prefix)`
 * returns the entries whose key starts with `prefix`, in ascending unsigned byte order of the key
 * (descending with `reverse`). The SQLite store implements it (`store.moduleIndex(name)`);
 * `EMPTY_INDEX` is the index of a module with no state.
 */
export interface ModuleIndexReader {
  get(key: Uint8Array): Uint8Array | undefined;
  scan(prefix: Uint8Array, opts?: ModuleScanOptions): readonly ModuleIndexEntry[];
}

/** Write access used only by `connect`/`disconnect` (B8.7), inside the block's store transaction. */
export interface ModuleIndexStore extends ModuleIndexReader {
  put(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}

/** The context of one module call (B8.4). */
export interface ValidationContext {
  readonly mode: HostValidationMode;
  /** Height of the block being connected (tip + 1 in the mempool). */
  readonly height: number;
  /** That block's header time in unix seconds (the tip's in the mempool); never the wall clock. */
  readonly blockTime: number;
  /** The same time in unix milliseconds (cchost headers count in ms). */
  readonly blockTimeMs: number;
  readonly chain: Readonly<HostChainParams>;
  /** This module's `params` from the chain's module list (`{}` when none). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The transaction's txid, internal byte order. */
  readonly txid: Uint8Array;
  readonly view: TxView;
  /** This module's own index, as of the previous block. */
  readonly index: ModuleIndexReader;
}

/** Index hooks (B8.7): run in block order for each transaction touching the module; `disconnect` undoes `connect`. */
export interface ModuleIndexHooks {
  connect(tx: Transaction, ctx: ValidationContext, store: ModuleIndexStore): void;
  disconnect(tx: Transaction, ctx: ValidationContext, store: ModuleIndexStore): void;
}

/**
 * A Custom Consensus module (B8.2). `errors` maps each rejection code (`/^[A-Z][A-Z0-9_]{2,47}$/`) to
 * a one-line description. `validate` runs once per transaction with inputs of the module,
 * `validateOutputs` once per transaction with outputs tailed for it (B8.3). See
 * test/examples/counter/ for a complete example.
 */
export interface Module {
  readonly name: string;
  /** 0x01..0xFF. */
  readonly evalCode: number;
  readonly version: number;
  readonly description: string;
  /** When true, a spend needs no signature node if every fulfilled eval belongs to such modules (B6.2). */
  readonly authorizesSpends?: boolean;
  /** Whether the module holds tokens inside its outputs (MODULES.md §6.5). */
  readonly holdsTokens?: boolean;
  readonly errors: Readonly<Record<string, string>>;
  validate(tx: Transaction, inputs: readonly CCInput[], outputs: readonly CCOutput[], ctx: ValidationContext): Verdict;
  validateOutputs?(tx: Transaction, outputs: readonly CCOutput[], ctx: ValidationContext): Verdict;
  readonly index?: ModuleIndexHooks;
  /** RPC methods (not consensus): flat Komodo-style names, also served at `POST /v1/modules/<name>/<method>`. */
  readonly rpc: readonly MethodDef[];
}

/** The index of a module with no state: `get` finds nothing, `scan` returns nothing. */
export const EMPTY_INDEX: ModuleIndexReader = Object.freeze({
  get: (): undefined => undefined,
  scan: (): readonly ModuleIndexEntry[] => [],
});
