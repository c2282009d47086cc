/**
 * Script builders: data pushes with the shortest opcode, number pushes, and whole scripts from
 * opcodes and data. Builders throw `CchostError` `SCRIPT_BAD_ARGUMENT` on a caller bug (an opcode
 * outside 0..255, data over 4 GiB); they never produce a malformed push.
 */
import { CchostError } from '../util/errors.ts';
import { concatBytes } from '../util/bytes.ts';
import { OP } from './opcodes.ts';
import { encodeScriptNum } from './num.ts';

/**
 * Core's `CScript() << data`: the shortest length prefix (direct 0..75, PUSHDATA1, PUSHDATA2,
 * PUSHDATA4) followed by the bytes. Empty data is `OP_0`; 1-byte values are NOT turned into OP_n
 * (this is the form FindAndDelete searches for).
 * Example: `pushData(fromHex('07'))` is `0107`.
 */
export function pushData(data: Uint8Array): Uint8Array {
  const n = data.length;
  let out: Uint8Array;
  if (n < OP.OP_PUSHDATA1) {
    out = new Uint8Array(1 + n);
    out[0] = n;
    out.set(data, 1);
  } else if (n <= 0xff) {
    out = new Uint8Array(2 + n);
    out[0] = OP.OP_PUSHDATA1;
    out[1] = n;
    out.set(data, 2);
  } else if (n <= 0xffff) {
    out = new Uint8Array(3 + n);
    out[0] = OP.OP_PUSHDATA2;
    out[1] = n & 0xff;
    out[2] = n >>> 8;
    out.set(data, 3);
  } else if (n <= 0xffffffff) {
    out = new Uint8Array(5 + n);
    out[0] = OP.OP_PUSHDATA4;
    out[1] = n & 0xff;
    out[2] = (n >>> 8) & 0xff;
    out[3] = (n >>> 16) & 0xff;
    out[4] = n >>> 24;
    out.set(data, 5);
  } else {
    throw new CchostError('SCRIPT_BAD_ARGUMENT', `cannot push ${n} bytes`);
  }
  return out;
}

/**
 * The push MINIMALDATA requires (Core's `CheckMinimalPush`): empty → OP_0, a single byte 1..16 →
 * OP_1..OP_16, `81` → OP_1NEGATE, otherwise `pushData`.
 * Example: `pushDataMinimal(fromHex('05'))` is `55` (OP_5).
 */
export function pushDataMinimal(data: Uint8Array): Uint8Array {
  if (data.length === 0) return Uint8Array.of(OP.OP_0);
  if (data.length === 1) {
    const b = data[0]!;
    if (b >= 1 && b <= 16) return Uint8Array.of(OP.OP_1 + b - 1);
    if (b === 0x81) return Uint8Array.of(OP.OP_1NEGATE);
  }
  return pushData(data);
}

/**
 * Core's `CScript() << int64`: `OP_0`, `OP_1NEGATE`, `OP_1`..`OP_16`, or a push of the script-number
 * encoding. Example: `pushNumber(1000)` is `02e803`.
 */
export function pushNumber(n: number | bigint): Uint8Array {
  const v = typeof n === 'bigint' ? n : Number.isSafeInteger(n) ? BigInt(n) : undefined;
  if (v === undefined) throw new CchostError('SCRIPT_BAD_ARGUMENT', `pushNumber needs an integer, got ${String(n)}`);
  if (v === 0n) return Uint8Array.of(OP.OP_0);
  if (v === -1n || (v >= 1n && v <= 16n)) return Uint8Array.of(OP.OP_1 + Number(v) - 1);
  return pushData(encodeScriptNum(v));
}

/** A part of `buildScript`: a number is one opcode byte (0..255); bytes are pushed with `pushData`. */
export type ScriptPart = number | Uint8Array;

/**
 * Concatenates opcodes and data pushes into a script.
 * Example: `buildScript(OP.OP_DUP, OP.OP_HASH160, keyHash, OP.OP_EQUALVERIFY, OP.OP_CHECKSIG)` is P2PKH.
 */
export function buildScript(...parts: ScriptPart[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    if (typeof p === 'number') {
      if (!Number.isInteger(p) || p < 0 || p > 255) {
        throw new CchostError('SCRIPT_BAD_ARGUMENT', `an opcode is a byte 0..255, got ${p}`);
      }
      chunks.push(Uint8Array.of(p));
    } else {
      chunks.push(pushData(p));
    }
  }
  return concatBytes(...chunks);
}

/** P2PKH output script `DUP HASH160 <20> EQUALVERIFY CHECKSIG`. */
export function p2pkhScript(pubkeyHash20: Uint8Array): Uint8Array {
  if (pubkeyHash20.length !== 20) throw new CchostError('SCRIPT_BAD_ARGUMENT', 'a P2PKH hash is 20 bytes');
  return buildScript(OP.OP_DUP, OP.OP_HASH160, pubkeyHash20, OP.OP_EQUALVERIFY, OP.OP_CHECKSIG);
}

/** P2PK output script `<pubkey> CHECKSIG`. */
export function p2pkScript(pubkey: Uint8Array): Uint8Array {
  return buildScript(pubkey, OP.OP_CHECKSIG);
}

/** P2SH output script `HASH160 <20> EQUAL`. */
export function p2shScript(scriptHash20: Uint8Array): Uint8Array {
  if (scriptHash20.length !== 20) throw new CchostError('SCRIPT_BAD_ARGUMENT', 'a P2SH hash is 20 bytes');
  return buildScript(OP.OP_HASH160, scriptHash20, OP.OP_EQUAL);
}
