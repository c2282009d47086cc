/**
 * Dedup of gossip: a bounded set of message digests, oldest-used evicted first, so each transaction,
 * block, vote and certificate is handed to the node and relayed once however many peers send it.
 */
import { createHash } from 'node:crypto';

/** The dedup key of a message: SHA-256 of its bytes (type byte included) as a 32-character binary string. */
export function messageKey(message: Uint8Array): string {
  return createHash('sha256').update(message).digest('binary');
}

/** A bounded LRU set of keys. Example: `const s = new SeenSet(3); s.add('a') === true; s.add('a') === false`. */
export class SeenSet {
  private readonly keys = new Map<string, true>();

  constructor(readonly capacity: number) {}

  /** Adds `key`; true when it was new (then the caller processes the message), false for a duplicate. */
  add(key: string): boolean {
    if (this.keys.has(key)) {
      this.keys.delete(key);
      this.keys.set(key, true);
      return false;
    }
    this.keys.set(key, true);
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.keys().next().value!);
    return true;
  }

  /** True when `key` was seen (without refreshing it). */
  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Number of keys held (≤ capacity). */
  get size(): number {
    return this.keys.size;
  }
}
