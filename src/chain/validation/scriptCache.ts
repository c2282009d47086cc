/**
 * The script-verification cache: a transaction whose input scripts (and CC fulfillment checks) all
 * passed at mempool entry is not re-verified when its block connects.
 *
 * Key: the txid, which is the double SHA-256 of the full legacy serialization (scriptSigs included;
 * cchost has no witness data), so equal txids mean byte-identical transactions and, because txids are
 * unique, identical spent coins. An entry records the flags it was verified with and the CC context
 * key (`ccContextKey`: CC on/off and the set of active modules); a lookup hits when the entry's flags
 * include every requested flag and the CC context is equal. Only mempool mode adds entries, with the
 * standard flags, a superset of the block flags (script rules are monotone in flags: more flags only
 * reject more), so a hit under block flags is sound.
 *
 * What is NOT cached: module validation (CC.md B8.5: mempool verdicts are never reused for blocks),
 * B7 output rules, lock times, values and inputs. For CC inputs the entry keeps the hook's `info` so the
 * host can re-record eval hits without re-verifying condition signatures (see ccAdapter.ts).
 *
 * Bounded: least recently used entries are dropped beyond `maxEntries`.
 */
import { txidKey } from '../state/key.ts';

/** One cached verification. */
export interface ScriptCacheEntry {
  /** Flags the scripts passed with. */
  readonly flags: number;
  /** `ccContextKey` at verification time. */
  readonly ccKey: number;
  /** Per input: the CC hook's `info` for CC inputs (undefined for other inputs). */
  readonly ccInfo: readonly unknown[];
}

/** Hit/miss counters. */
export interface ScriptCacheStats {
  readonly size: number;
  readonly maxEntries: number;
  readonly hits: number;
  readonly misses: number;
}

/** Default bound: about 100 k transactions (each entry is a few dozen bytes plus CC infos). */
export const DEFAULT_SCRIPT_CACHE_ENTRIES = 100_000;

/**
 * An LRU of verified transactions. Example:
 * `const cache = new ScriptCache(); mempool = new Mempool({spec, scriptCache: cache}); connectBlock(view, block, {..., scriptCache: cache})`.
 */
export class ScriptCache {
  private readonly map = new Map<string, ScriptCacheEntry>();
  private hits = 0;
  private misses = 0;

  constructor(readonly maxEntries: number = DEFAULT_SCRIPT_CACHE_ENTRIES) {
    if (!Number.isInteger(maxEntries) || maxEntries < 0) throw new RangeError(`maxEntries must be a non-negative integer, got ${maxEntries}`);
  }

  /** The entry for `txid` if it covers `flags` under the same CC context; refreshes its LRU position. */
  lookup(txid: Uint8Array, flags: number, ccKey: number): ScriptCacheEntry | undefined {
    const k = txidKey(txid);
    const e = this.map.get(k);
    if (e === undefined || (e.flags & flags) !== flags || e.ccKey !== ccKey) {
      this.misses++;
      return undefined;
    }
    this.map.delete(k);
    this.map.set(k, e);
    this.hits++;
    return e;
  }

  /** Records that `txid` passed all script checks with `flags`. */
  add(txid: Uint8Array, flags: number, ccKey: number, ccInfo: readonly unknown[]): void {
    if (this.maxEntries === 0) return;
    const k = txidKey(txid);
    this.map.delete(k);
    this.map.set(k, { flags, ccKey, ccInfo });
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  /** Forgets one transaction. */
  delete(txid: Uint8Array): void {
    this.map.delete(txidKey(txid));
  }

  /** Forgets everything and resets the counters. */
  clear(): void {
    this.map.clear();
    this.hits = 0;
    this.misses = 0;
  }

  /** Size and counters. */
  stats(): ScriptCacheStats {
    return { size: this.map.size, maxEntries: this.maxEntries, hits: this.hits, misses: this.misses };
  }
}
