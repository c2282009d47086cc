/**
 * Tail and opret layouts of the example `hello` module:
 * - tail `01 70 ‖ 'H' ‖ owner(33) ‖ count(u32 LE)`: one counter per owner, condition cc1of1(0x70, owner);
 * - opret `70 'B' ‖ u32 count ‖ string note` (≤ 64 bytes of note) in the last output of a bump.
 */
import { defineOpretSchema, type OpretSchema } from '../../../src/cc/index.ts';

/** The module's eval code. */
export const HELLO_EVAL = 0x70;
/** The tail kind letter of a counter. */
export const KIND_COUNTER = 0x48; // 'H'
/** Smallest value of a new counter. */
export const MIN_COUNTER_VALUE = 10_000n;
/** Longest bump note, in UTF-8 bytes. */
export const MAX_NOTE = 64;

/** The bump opret schema (B10.3). */
export const HELLO_OPRET: OpretSchema = defineOpretSchema(HELLO_EVAL, { B: [['count', 'u32'], ['note', 'string']] });

/** A decoded counter tail. */
export interface CounterTail {
  readonly owner: Uint8Array;
  readonly count: number;
}

/** The moduleData of a counter tail (`H ‖ owner ‖ count`). */
export function encodeCounterTail(t: CounterTail): Uint8Array {
  const out = new Uint8Array(38);
  out[0] = KIND_COUNTER;
  out.set(t.owner, 1);
  new DataView(out.buffer).setUint32(34, t.count, true);
  return out;
}

/** Reads a counter tail's moduleData: exactly 38 bytes of kind H (M1), or undefined. */
export function decodeCounterTail(data: Uint8Array): CounterTail | undefined {
  if (data.length !== 38 || data[0] !== KIND_COUNTER) return undefined;
  if (data[1] !== 0x02 && data[1] !== 0x03) return undefined;
  return { owner: data.slice(1, 34), count: new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(34, true) };
}
