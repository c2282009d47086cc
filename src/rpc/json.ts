/**
 * JSON output of the RPC layer: `bigint` becomes a digit string (MODULES.md §1.5: amounts are
 * bigint-safe strings) and bytes become lower-case hex, wherever they appear in a result or error.
 */
import { toHex } from '../util/bytes.ts';

function replacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Uint8Array) return toHex(raw); // before Buffer#toJSON turns it into {type, data}
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** `JSON.stringify` with bigint → decimal string and Uint8Array → hex. Example: `stringifyJson({a: 1n})` is `'{"a":"1"}'`. */
export function stringifyJson(value: unknown, indent?: number): string {
  return JSON.stringify(value === undefined ? null : value, replacer, indent);
}

/** `stringifyJson` then `JSON.parse`: the value exactly as a client will see it. */
export function toJsonValue(value: unknown): unknown {
  return JSON.parse(stringifyJson(value)) as unknown;
}
