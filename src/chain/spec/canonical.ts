/**
 * The spec's JSON forms and its chain id.
 *
 * `specToJson` gives the file form (amounts as shortest decimal coin strings, keys and scripts as
 * lower-case hex, every default written out). `canonicalSpecJson` is that form with allocations given
 * by script only (an address and its script are the same consensus value), object keys sorted
 * (JS code-unit order, i.e. byte order for ASCII), arrays in their semantic order (allocations in
 * output order, producers by name, modules by eval code, condition types by type id), no whitespace.
 * The canonical text is itself a valid spec file that parses back to the same chain.
 *
 *   chainId = taggedHash("CCHOST/CHAINSPEC/v1", utf8(canonicalSpecJson(spec)))
 */
import { taggedHash } from '../../crypto/hash.ts';
import { toHex, utf8 } from '../../util/bytes.ts';
import { CC_TYPE_IDS, CHAIN_ID_TAG } from '../params.ts';
import { formatCoins } from './amount.ts';
import type { ChainSpec, JsonValue } from './types.ts';

/** Options of `specToJson`. */
export interface SpecToJsonOptions {
  /** Write every allocation as `script` even when the file named an address (canonical form). */
  readonly scriptsOnly?: boolean;
}

/** The JSON file form of a spec (what `cchost chain new` writes). */
export function specToJson(spec: ChainSpec, opts: SpecToJsonOptions = {}): { [k: string]: JsonValue } {
  const types = Object.entries(CC_TYPE_IDS)
    .filter(([, id]) => (spec.cc.allowedTypes & (1 << id)) !== 0)
    .sort((a, b) => a[1] - b[1])
    .map(([name]) => name);
  return {
    name: spec.name,
    version: spec.version,
    prefixes: { pubKeyHash: spec.prefixes.pubKeyHash, scriptHash: spec.prefixes.scriptHash, wif: spec.prefixes.wif },
    genesisTimeMs: spec.genesisTimeMs,
    allocations: spec.allocations.map((a): { [k: string]: JsonValue } =>
      a.address !== undefined && opts.scriptsOnly !== true
        ? { address: a.address, amount: formatCoins(a.amount) }
        : { script: toHex(a.script), amount: formatCoins(a.amount) },
    ),
    reward: {
      initial: formatCoins(spec.reward.initial),
      halvingInterval: spec.reward.halvingInterval,
      endHeight: spec.reward.endHeight,
    },
    minRelayFeePerKb: formatCoins(spec.minRelayFeePerKb),
    coinbaseMaturity: spec.coinbaseMaturity,
    slotMs: spec.slotMs,
    turnLength: spec.turnLength,
    producers: spec.schedule.producers.map((p) => ({ name: p.name, key: toHex(p.key) })),
    cc: {
      enabled: spec.cc.enabled,
      activationHeight: spec.cc.activationHeight,
      allowedTypes: types,
      modules: [...spec.cc.modules]
        .sort((a, b) => a.evalCode - b.evalCode)
        .map((m) => ({
          name: m.name,
          evalCode: m.evalCode,
          version: m.version,
          activationHeight: m.activationHeight,
          params: m.params as { [k: string]: JsonValue },
        })),
    },
    limits: { maxBlockBytes: spec.limits.maxBlockBytes, maxTxBytes: spec.limits.maxTxBytes },
  };
}

/**
 * Deterministic JSON: object keys sorted, no whitespace, integers only (a non-integer or unsafe
 * number throws `RangeError`; bigints are written as decimal strings).
 * Example: `canonicalJson({b: 1, a: [true]})` is `'{"a":[true],"b":1}'`.
 */
export function canonicalJson(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (typeof v === 'bigint') return JSON.stringify(v.toString());
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new RangeError(`canonical JSON holds safe integers only, got ${v}`);
    return String(v);
  }
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  throw new RangeError(`canonical JSON cannot hold a ${typeof v}`);
}

/** The canonical text of a spec (see the file comment). */
export function canonicalSpecJson(spec: ChainSpec): string {
  return canonicalJson(specToJson(spec, { scriptsOnly: true }));
}

const idCache = new WeakMap<ChainSpec, Uint8Array>();

/** The 32-byte chain id (cached per spec object; specs are immutable). */
export function chainIdBytes(spec: ChainSpec): Uint8Array {
  let id = idCache.get(spec);
  if (id === undefined) {
    id = taggedHash(CHAIN_ID_TAG, utf8(canonicalSpecJson(spec)));
    idCache.set(spec, id);
  }
  return id.slice();
}

/** The chain id as 64 lower-case hex digits. Example: `chainId(spec)` → `'3f1c…'`. */
export function chainId(spec: ChainSpec): string {
  return toHex(chainIdBytes(spec));
}
