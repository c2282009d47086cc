/**
 * The dev chain spec `cchost dev` runs: one producer named "producer", every built-in module active
 * from block 0 with the parameter defaults of MODULES.md, and the given genesis allocations.
 */
import { CchostError, unwrap } from '../../util/errors.ts';
import { toHex } from '../../util/bytes.ts';
import type { ChainPrefixes } from '../../crypto/address.ts';
import { formatCoins } from './amount.ts';
import { parseChainSpec } from './parse.ts';
import type { ChainSpec, JsonValue } from './types.ts';

/** A module entry in the spec file form. */
export interface ModuleJson {
  readonly name: string;
  readonly evalCode: number;
  readonly version: number;
  readonly activationHeight: number;
  readonly params: { readonly [k: string]: JsonValue };
}

/**
 * The built-in modules with MODULES.md's parameter defaults (the modules own and validate these
 * names; the spec only carries them so that every node runs the same values).
 */
export const DEV_MODULES: readonly ModuleJson[] = Object.freeze<ModuleJson[]>([
  { name: 'baton', evalCode: 0x11, version: 1, activationHeight: 0, params: { baton_machines: ['counter/1', 'tictactoe/1'] } },
  { name: 'musig', evalCode: 0x12, version: 1, activationHeight: 0, params: {} },
  { name: 'kv', evalCode: 0x14, version: 1, activationHeight: 0, params: { KV_MIN_FEE: 100_000, KV_RATE: 10 } },
  {
    name: 'faucet',
    evalCode: 0xe4,
    version: 1,
    activationHeight: 0,
    params: { faucet_enabled: true, faucet_payout_sat: 10_000_000, faucet_interval_blocks: 172_800, faucet_pow_bits: 12, faucet_txfee_sat: 10_000 },
  },
  { name: 'oracles', evalCode: 0xec, version: 1, activationHeight: 0, params: {} },
  { name: 'tokens', evalCode: 0xf2, version: 1, activationHeight: 0, params: {} },
]);

/** Options of `defaultDevSpec`. */
export interface DevSpecOptions {
  /** The producer's 32-byte x-only (BIP-340) public key. */
  readonly producerKey: Uint8Array;
  /** Slot clock origin (unix ms); `cchost dev` passes the time it creates the chain. */
  readonly genesisTimeMs: number;
  /** Genesis outputs: an address of this chain or a raw script, and satoshis. */
  readonly allocations?: readonly ({ readonly address: string; readonly amount: bigint } | { readonly script: Uint8Array; readonly amount: bigint })[];
  /** Chain name; default `cchost-dev`. */
  readonly name?: string;
  /** Address prefixes; default Komodo's. */
  readonly prefixes?: ChainPrefixes;
  /** Modules to enable; default `DEV_MODULES` (pass `[]` for none). */
  readonly modules?: readonly ModuleJson[];
}

/**
 * The dev chain's spec, validated. Throws a `CchostError` with a `SPEC_*` code when an option is bad
 * (e.g. an address of another chain). Example:
 * `defaultDevSpec({producerKey: xOnlyPublicKeyFromPrivate(k), genesisTimeMs: Date.now(), allocations: [{address, amount: 1_000_000n * COIN}]})`.
 */
export function defaultDevSpec(opts: DevSpecOptions): ChainSpec {
  if (!(opts.producerKey instanceof Uint8Array)) throw new CchostError('SPEC_BAD_KEY', 'producerKey must be 32 bytes');
  const json = {
    name: opts.name ?? 'cchost-dev',
    version: 1,
    ...(opts.prefixes !== undefined ? { prefixes: opts.prefixes } : {}),
    genesisTimeMs: opts.genesisTimeMs,
    allocations: (opts.allocations ?? []).map((a) =>
      'address' in a ? { address: a.address, amount: formatCoins(a.amount) } : { script: toHex(a.script), amount: formatCoins(a.amount) },
    ),
    producers: [{ name: 'producer', key: toHex(opts.producerKey) }],
    cc: { enabled: true, activationHeight: 0, modules: opts.modules ?? DEV_MODULES },
  };
  return unwrap(parseChainSpec(json));
}
