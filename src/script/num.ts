/**
 * Script numbers (Core's `CScriptNum`): little-endian magnitude with the sign in the top bit of the
 * last byte; the empty array is zero. Operands of numeric opcodes are at most 4 bytes (5 for
 * CHECKLOCKTIMEVERIFY/CHECKSEQUENCEVERIFY), so every value fits a JS number exactly.
 */
import { CchostError } from '../util/errors.ts';
import type { ErrorData, Result } from '../util/errors.ts';

/** Default operand size limit (bytes) for numeric opcodes. */
export const DEFAULT_MAX_NUM_SIZE = 4;
/** Operand size limit (bytes) for CHECKLOCKTIMEVERIFY and CHECKSEQUENCEVERIFY. */
export const LOCKTIME_MAX_NUM_SIZE = 5;

/** Why a byte array is not an acceptable script number. Both map to the script error SCRIPTNUM. */
export type ScriptNumErrorCode =
  /** The encoding is longer than the operand limit (4 bytes, or 5 for lock times). */
  | 'SCRIPTNUM_OVERFLOW'
  /** MINIMALDATA is on and the encoding has a superfluous top byte (including negative zero `80`). */
  | 'SCRIPTNUM_NONMINIMAL';

/** A script-number decoding failure. */
export interface ScriptNumError extends ErrorData<ScriptNumErrorCode> {
  readonly code: ScriptNumErrorCode;
  readonly message: string;
}

/** True when `b` is the shortest encoding of its value (Core's minimal-encoding rule). */
export function isMinimalScriptNum(b: Uint8Array): boolean {
  const n = b.length;
  if (n === 0) return true;
  if ((b[n - 1]! & 0x7f) !== 0) return true;
  // The top byte only carries the sign: allowed only when the byte below needs its top bit.
  return n > 1 && (b[n - 2]! & 0x80) !== 0;
}

/**
 * Value of `b` as a script number, or NaN when it is longer than `maxLen` or (with `minimal`) not
 * minimally encoded. Internal fast path of the interpreter; `decodeScriptNum` is the typed form.
 */
export function scriptNumOrNaN(b: Uint8Array, minimal: boolean, maxLen: number): number {
  const n = b.length;
  if (n > maxLen) return NaN;
  if (n === 0) return 0;
  if (minimal && !isMinimalScriptNum(b)) return NaN;
  let v = 0;
  let mul = 1;
  for (let i = 0; i < n - 1; i++) {
    v += b[i]! * mul;
    mul *= 256;
  }
  const last = b[n - 1]!;
  v += (last & 0x7f) * mul;
  return last & 0x80 ? -v : v;
}

/**
 * Decodes a script number. `maxLen` is 4 for arithmetic operands and 5 for lock times; `minimal`
 * (MINIMALDATA) rejects superfluous bytes.
 * Example: `decodeScriptNum(fromHex('ff00'), { maxLen: 4, minimal: true })` is `ok(255)`.
 */
export function decodeScriptNum(
  b: Uint8Array,
  opts: { maxLen?: number; minimal?: boolean } = {},
): Result<number, ScriptNumError> {
  const maxLen = opts.maxLen ?? DEFAULT_MAX_NUM_SIZE;
  if (!(b instanceof Uint8Array)) {
    return { ok: false, error: { code: 'SCRIPTNUM_OVERFLOW', message: 'a script number must be a byte array' } };
  }
  if (b.length > maxLen) {
    return {
      ok: false,
      error: { code: 'SCRIPTNUM_OVERFLOW', message: `script number is ${b.length} bytes, the limit here is ${maxLen}` },
    };
  }
  if (opts.minimal === true && !isMinimalScriptNum(b)) {
    return { ok: false, error: { code: 'SCRIPTNUM_NONMINIMAL', message: 'script number is not minimally encoded' } };
  }
  return { ok: true, value: scriptNumOrNaN(b, false, maxLen) };
}

/**
 * Minimal script-number encoding (Core's `CScriptNum::serialize`): zero is empty, otherwise
 * little-endian magnitude plus a sign bit, adding a byte when the top bit is taken. Takes a safe
 * integer or a bigint; throws `CchostError` `SCRIPT_BAD_NUMBER` for a non-integer (a caller bug).
 * Example: `encodeScriptNum(-255)` is `ff80`; `encodeScriptNum(4294967294)` is `feffffff00`.
 */
export function encodeScriptNum(value: number | bigint): Uint8Array {
  let abs: bigint;
  let neg: boolean;
  if (typeof value === 'bigint') {
    neg = value < 0n;
    abs = neg ? -value : value;
  } else {
    if (!Number.isSafeInteger(value)) {
      throw new CchostError('SCRIPT_BAD_NUMBER', `a script number must be a safe integer or a bigint, got ${String(value)}`);
    }
    neg = value < 0;
    abs = BigInt(neg ? -value : value);
  }
  if (abs === 0n) return new Uint8Array(0);
  const out: number[] = [];
  while (abs > 0n) {
    out.push(Number(abs & 0xffn));
    abs >>= 8n;
  }
  const top = out[out.length - 1]!;
  if (top & 0x80) out.push(neg ? 0x80 : 0x00);
  else if (neg) out[out.length - 1] = top | 0x80;
  return Uint8Array.from(out);
}

/**
 * Fast minimal encoding for the interpreter's results (|value| < 2^40, always an integer here).
 * Same bytes as `encodeScriptNum`.
 */
export function encodeSmallScriptNum(value: number): Uint8Array {
  if (value === 0) return new Uint8Array(0);
  const neg = value < 0;
  let abs = neg ? -value : value;
  let len = 0;
  const tmp = [0, 0, 0, 0, 0, 0, 0];
  while (abs > 0) {
    tmp[len++] = abs % 256;
    abs = Math.floor(abs / 256);
  }
  const top = tmp[len - 1]!;
  const extra = top & 0x80 ? 1 : 0;
  const out = new Uint8Array(len + extra);
  for (let i = 0; i < len; i++) out[i] = tmp[i]!;
  if (extra) out[len] = neg ? 0x80 : 0x00;
  else if (neg) out[len - 1] = top | 0x80;
  return out;
}
