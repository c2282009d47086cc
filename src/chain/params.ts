/**
 * Chain-wide constants and the small pure functions every layer derives from a chain spec: the coin
 * unit, bounds the spec validator and the block codec enforce, signing domains, the block reward
 * schedule and the slot clock. No clock is read here: callers pass times in.
 */
import type { ChainSpec } from './spec/types.ts';

/** Satoshis per coin. */
export const COIN = 100_000_000n;

/**
 * Largest amount of one output and of a transaction's outputs together (Core's MAX_MONEY, 21 million
 * coins); genesis allocations and rewards are kept under it so every coin can move through Core's
 * `CheckTransaction`.
 */
export const MAX_MONEY = 21_000_000n * COIN;

/** Slot length of CONSENSUS.md §5.1, in milliseconds. */
export const DEFAULT_SLOT_MS = 500;

/** Slots in a producer's turn (CONSENSUS.md §5.1). */
export const DEFAULT_TURN_LENGTH = 12;

/** Most producers a schedule may list (bitmaps up to 8 bytes; CONSENSUS.md expects n ≤ ~30). */
export const MAX_SCHEDULE_PRODUCERS = 64;

/** Bytes of a signer bitmap for the largest schedule. */
export const MAX_BITMAP_BYTES = MAX_SCHEDULE_PRODUCERS / 8;

/** Most evidence items one header may carry. */
export const MAX_EVIDENCE_ITEMS = 16;

/** Largest payload of one evidence item (two conflicting headers with certificates fit easily). */
export const MAX_EVIDENCE_BYTES = 65_536;

/** Producer and module names: lower-case ASCII, a letter first, at most 32 characters. */
export const NAME_RE = /^[a-z][a-z0-9._-]{0,31}$/;

/** Largest block the codec will read at all, whatever the chain allows (Bitcoin's MAX_SIZE, 32 MiB). */
export const ABSOLUTE_MAX_BLOCK_BYTES = 0x02000000;

/** Smallest `limits.maxBlockBytes` a spec may set (room for a header with certificates and a coinbase). */
export const MIN_BLOCK_BYTES = 16_000;

/** Smallest `limits.maxTxBytes` a spec may set. */
export const MIN_TX_BYTES = 1_000;

/** Largest script a genesis allocation may pay to (Core's MAX_SCRIPT_SIZE). */
export const MAX_ALLOCATION_SCRIPT_BYTES = 10_000;

/** Most genesis allocations (each is one output of the genesis transaction). */
export const MAX_ALLOCATIONS = 10_000;

/** Tag of the chain id: `chainId = taggedHash(CHAIN_ID_TAG, canonical spec JSON)`. */
export const CHAIN_ID_TAG = 'CCHOST/CHAINSPEC/v1';

/** Tag of block ids; a block signature is BIP-340 over the id (see `src/chain/block/sign.ts`). */
export const BLOCK_TAG = 'CCHOST/BLOCK/v1';

/** Tag of PREPARE vote digests. */
export const PREPARE_TAG = 'CCHOST/PREPARE/v1';

/** Tag of COMMIT vote digests. */
export const COMMIT_TAG = 'CCHOST/COMMIT/v1';

/**
 * Eval codes of the built-in modules (MODULES.md table, CC.md B8.1). A spec that enables one of these
 * names must use its code, and no other module may take these codes.
 */
export const BUILTIN_MODULE_CODES: Readonly<Record<string, number>> = Object.freeze({
  baton: 0x11,
  musig: 0x12,
  kv: 0x14,
  faucet: 0xe4,
  oracles: 0xec,
  tokens: 0xf2,
});

/** Crypto-condition type ids by their short names (CC.md A2). */
export const CC_TYPE_IDS: Readonly<Record<string, number>> = Object.freeze({
  preimage: 0,
  prefix: 1,
  threshold: 2,
  rsa: 3,
  ed25519: 4,
  secp256k1: 5,
  eval: 15,
});

/** CC.md B6.1's default `allowedTypes`: preimage, threshold, ed25519, secp256k1, eval (mask 0x8035). */
export const DEFAULT_CC_ALLOWED_TYPES = 0x8035;

/**
 * The block reward (subsidy, without fees) at `height`. Block 0 (genesis) pays none; after that the
 * initial reward halves every `halvingInterval` blocks (0 = never) and stops after `endHeight`
 * (0 = never). Example: with initial 3 coins and halvingInterval 100, height 250 pays 0.75 coins.
 */
export function blockReward(spec: Pick<ChainSpec, 'reward'>, height: number): bigint {
  const { initial, halvingInterval, endHeight } = spec.reward;
  if (height <= 0) return 0n;
  if (endHeight !== 0 && height > endHeight) return 0n;
  if (halvingInterval === 0) return initial;
  const halvings = Math.floor(height / halvingInterval);
  return halvings >= 64 ? 0n : initial >> BigInt(halvings);
}

/**
 * The slot containing unix time `unixMs` (CONSENSUS.md §5.1): floor((unixMs − genesisTimeMs) / slotMs).
 * Times before genesis give negative slots, which no block may use.
 */
export function slotAt(spec: Pick<ChainSpec, 'genesisTimeMs' | 'slotMs'>, unixMs: number): number {
  return Math.floor((unixMs - spec.genesisTimeMs) / spec.slotMs);
}

/** Unix time (ms) at which `slot` starts; also the block time modules see (CC.md B8.4). */
export function slotStartMs(spec: Pick<ChainSpec, 'genesisTimeMs' | 'slotMs'>, slot: number): number {
  return spec.genesisTimeMs + slot * spec.slotMs;
}
