/**
 * The chain of a devnet (`cchost devnet init`): N producers named producer0..producer(N−1) with fresh
 * keys, the publicly known dev keys funded at genesis (as `cchost dev` funds them), CC enabled with no
 * modules (every node then runs without module code), 0.5 s slots.
 */
import { formatCoins } from '../../chain/spec/amount.ts';
import { parseChainSpec } from '../../chain/spec/parse.ts';
import type { ChainSpec } from '../../chain/spec/types.ts';
import { DEFAULT_PREFIXES } from '../../crypto/address.ts';
import { randomPrivateKey, xOnlyPublicKeyFromPrivate } from '../../crypto/secp256k1.ts';
import { toHex } from '../../util/bytes.ts';
import { unwrap } from '../../util/errors.ts';
import { devKeyFunding, devKeys } from '../devKeys.ts';

/** A producer of a devnet with its private key. */
export interface DevnetProducer {
  readonly name: string;
  readonly privateKey: Uint8Array;
}

/** Options of `devnetSpec`. */
export interface DevnetSpecOptions {
  readonly name?: string;
  readonly producers: readonly DevnetProducer[];
  /** Slot clock origin (unix ms). */
  readonly genesisTimeMs: number;
  /** Funded dev keys (default 10). */
  readonly fundedKeys?: number;
  /** Slots per producer turn (default 12). */
  readonly turnLength?: number;
  /** Slot length in ms (default 500). */
  readonly slotMs?: number;
}

/** Producer names: producer0..producer(n−1), zero-padded so that they sort in index order (node i runs producer i). */
export function devnetProducerNames(n: number): string[] {
  const width = String(Math.max(0, n - 1)).length;
  return Array.from({ length: n }, (_, i) => `producer${String(i).padStart(width, '0')}`);
}

/** `n` producers with fresh random keys. */
export function newDevnetProducers(n: number, random: () => Uint8Array = randomPrivateKey): DevnetProducer[] {
  return devnetProducerNames(n).map((name) => ({ name, privateKey: random() }));
}

/** The devnet chain spec, validated. Example: `devnetSpec({ producers: newDevnetProducers(4), genesisTimeMs: Date.now() })`. */
export function devnetSpec(o: DevnetSpecOptions): ChainSpec {
  const funded = o.fundedKeys ?? 10;
  const amount = devKeyFunding(funded);
  return unwrap(
    parseChainSpec({
      name: o.name ?? 'cchost-devnet',
      version: 1,
      genesisTimeMs: o.genesisTimeMs,
      allocations: devKeys(funded, DEFAULT_PREFIXES).map((k) => ({ address: k.address, amount: formatCoins(amount) })),
      producers: o.producers.map((p) => ({ name: p.name, key: toHex(xOnlyPublicKeyFromPrivate(p.privateKey)) })),
      ...(o.turnLength !== undefined ? { turnLength: o.turnLength } : {}),
      ...(o.slotMs !== undefined ? { slotMs: o.slotMs } : {}),
      cc: { enabled: true, activationHeight: 0, modules: [] },
    }),
  );
}
