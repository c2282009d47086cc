/**
 * The parsed chain spec: every consensus parameter of a chain, fixed at genesis. The JSON file form is
 * described in docs/chain-spec.md; `parseChainSpec` turns it into this type (amounts as bigint
 * satoshis, keys and scripts as bytes) and `canonicalSpecJson` / `chainId` go back to bytes.
 */
import type { ChainPrefixes } from '../../crypto/address.ts';
import type { Schedule } from '../block/types.ts';

/** One genesis output: `amount` satoshis paid to `script` (spendable at once, no maturity). */
export interface Allocation {
  /** The output script (P2PKH/P2SH from `address`, or the raw script given). */
  readonly script: Uint8Array;
  /** Satoshis, > 0. */
  readonly amount: bigint;
  /** The address the file named, when it named one (kept for display; the chain id uses `script`). */
  readonly address?: string;
}

/** The block subsidy schedule (see `blockReward` in params.ts). */
export interface RewardSpec {
  /** Satoshis paid to the producer of each block from height 1 (fees come on top). */
  readonly initial: bigint;
  /** Blocks between halvings; 0 = the reward never halves. */
  readonly halvingInterval: number;
  /** Last height that pays a reward; 0 = the reward never ends. */
  readonly endHeight: number;
}

/** A module enabled on the chain (CC.md B8.1 `chain.cc.modules`). */
export interface ModuleSpec {
  /** Registry name, e.g. `faucet`. */
  readonly name: string;
  /** Eval code 1..255 (built-ins have fixed codes, see `BUILTIN_MODULE_CODES`). */
  readonly evalCode: number;
  /** Module version the node must run (it refuses to start on a mismatch). */
  readonly version: number;
  /** First height at which the module validates and its outputs may be created. */
  readonly activationHeight: number;
  /** Module parameters (plain JSON; integers only, the module checks its own fields). */
  readonly params: Readonly<Record<string, JsonValue>>;
}

/** CC host policy (CC.md B1.1, B6). */
export interface CcSpec {
  /** Whether OP_CHECKCRYPTOCONDITIONS is active at all. */
  readonly enabled: boolean;
  /** First height with the CC flag set. */
  readonly activationHeight: number;
  /** Bit mask of allowed condition types (bit = type id; default 0x8035). */
  readonly allowedTypes: number;
  /** Enabled modules, sorted by eval code. */
  readonly modules: readonly ModuleSpec[];
}

/** Size limits. */
export interface LimitsSpec {
  /** Largest serialized block (header, certificates and transactions). */
  readonly maxBlockBytes: number;
  /** Largest serialized transaction. */
  readonly maxTxBytes: number;
}

/** A JSON value as module params carry it (numbers are safe integers). */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [k: string]: JsonValue };

/** A validated chain spec. */
export interface ChainSpec {
  /** Chain name (letters, digits, `.`, `_`, `-`; 1..64 characters). */
  readonly name: string;
  /** Spec format version (1). */
  readonly version: 1;
  /** Base58Check version bytes. */
  readonly prefixes: Readonly<ChainPrefixes>;
  /** Unix time in ms at which slot 0 starts (CONSENSUS.md GENESIS_MS). */
  readonly genesisTimeMs: number;
  /** Genesis outputs, in output order. */
  readonly allocations: readonly Allocation[];
  /** Block subsidy. */
  readonly reward: RewardSpec;
  /** Minimum relay fee in satoshis per 1000 bytes (mempool policy, fixed per chain). */
  readonly minRelayFeePerKb: bigint;
  /** Blocks before a coinbase output may be spent (genesis allocations are exempt). */
  readonly coinbaseMaturity: number;
  /** Slot length in ms (500). */
  readonly slotMs: number;
  /** Slots per producer turn (12). */
  readonly turnLength: number;
  /** The initial producer schedule (version 1, unique names sorted, unique keys). */
  readonly schedule: Schedule;
  /** CC host policy and modules. */
  readonly cc: CcSpec;
  /** Size limits. */
  readonly limits: LimitsSpec;
}
