/**
 * Bitcoin's legacy (pre-segwit) signature hash, Core's `SignatureHash` for `SigVersion::BASE`,
 * serialised directly from a `TxLike` into one buffer and double-SHA-256'd. Byte-exact with Core:
 * - the scriptCode's bytes are kept as they are (non-minimal pushes stay); only real OP_CODESEPARATOR
 *   opcodes are removed (0xab bytes inside push data stay);
 * - a scriptCode ending in a truncated push is written as Core writes it: the length prefix counts the
 *   whole script, the bytes stop where Core's opcode reader stopped;
 * - SIGHASH_SINGLE with no output at the input's index signs the value 1 (`01 00 … 00`);
 * - the hash type is appended as a signed 32-bit little-endian integer.
 */
import { hash256 } from '../crypto/hash.ts';
import { OP } from './opcodes.ts';
import { newOpCursor, stepOp } from './reader.ts';
import { SIGHASH_ANYONECANPAY, SIGHASH_NONE, SIGHASH_SINGLE } from './sigencoding.ts';
import type { TxLike } from './tx.ts';

/** The digest Core signs for SIGHASH_SINGLE without a matching output: uint256 1, i.e. `01` then 31 zero bytes. */
export const SIGHASH_ONE: Uint8Array = (() => {
  const one = new Uint8Array(32);
  one[0] = 1;
  return one;
})();

function compactSizeLen(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}

const cursor = newOpCursor();

/**
 * Layout of a scriptCode as Core serialises it: the length it declares, and the byte ranges written
 * (everything up to where the opcode reader stopped, minus the OP_CODESEPARATOR bytes).
 */
interface ScriptCodeLayout {
  declared: number;
  /** Flat list of [start, end) pairs. */
  ranges: number[];
  written: number;
}

function layoutScriptCode(sc: Uint8Array): ScriptCodeLayout {
  const ranges: number[] = [];
  let seps = 0;
  let segStart = 0;
  let pos = 0;
  let stop = sc.length;
  while (pos < sc.length) {
    if (!stepOp(sc, pos, cursor)) {
      stop = cursor.next;
      break;
    }
    if (cursor.opcode === OP.OP_CODESEPARATOR) {
      seps++;
      if (pos > segStart) ranges.push(segStart, pos);
      segStart = cursor.next;
    }
    pos = cursor.next;
  }
  if (stop > segStart) ranges.push(segStart, stop);
  let written = 0;
  for (let i = 0; i < ranges.length; i += 2) written += ranges[i + 1]! - ranges[i]!;
  return { declared: sc.length - seps, ranges, written };
}

/** Little-endian writer over a preallocated buffer. */
class Writer {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  u32(v: number): void {
    const b = this.buf;
    let p = this.pos;
    b[p++] = v & 0xff;
    b[p++] = (v >>> 8) & 0xff;
    b[p++] = (v >>> 16) & 0xff;
    b[p++] = (v >>> 24) & 0xff;
    this.pos = p;
  }
  compactSize(n: number): void {
    const b = this.buf;
    if (n < 0xfd) {
      b[this.pos++] = n;
    } else if (n <= 0xffff) {
      b[this.pos++] = 0xfd;
      b[this.pos++] = n & 0xff;
      b[this.pos++] = n >>> 8;
    } else if (n <= 0xffffffff) {
      b[this.pos++] = 0xfe;
      this.u32(n);
    } else {
      b[this.pos++] = 0xff;
      this.u32(n % 0x100000000);
      this.u32(Math.floor(n / 0x100000000));
    }
  }
  bytes(src: Uint8Array): void {
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }
  i64(v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.u32(Number(u & 0xffffffffn));
    this.u32(Number(u >> 32n));
  }
}

/**
 * Core's legacy `SignatureHash(scriptCode, tx, inputIndex, hashType)`: the raw 32-byte double-SHA-256
 * (hash-output order; `sighash.json` prints it reversed). `hashType` is any 32-bit integer; its low
 * 5 bits and bit 0x80 select the mode. Returns `SIGHASH_ONE` for SIGHASH_SINGLE without a matching
 * output and, as Core did before it turned this into an assertion, for an input index out of range.
 * Example: `legacySighash(tx, 0, prevoutScript, SIGHASH_ALL)`.
 */
export function legacySighash(tx: TxLike, inputIndex: number, scriptCode: Uint8Array, hashType: number): Uint8Array {
  const ins = tx.ins;
  const outs = tx.outs;
  if (!Number.isInteger(inputIndex) || inputIndex < 0 || inputIndex >= ins.length) return SIGHASH_ONE.slice();
  const base = hashType & 0x1f;
  const anyoneCanPay = (hashType & SIGHASH_ANYONECANPAY) !== 0;
  const single = base === SIGHASH_SINGLE;
  const none = base === SIGHASH_NONE;
  if (single && inputIndex >= outs.length) return SIGHASH_ONE.slice();

  const sc = layoutScriptCode(scriptCode);
  const nIns = anyoneCanPay ? 1 : ins.length;
  const nOuts = none ? 0 : single ? inputIndex + 1 : outs.length;

  // Size: version, inputs, outputs, locktime, hash type.
  let size = 4 + compactSizeLen(nIns) + compactSizeLen(sc.declared) + sc.written + (nIns - 1);
  for (let k = 0; k < nIns; k++) size += ins[anyoneCanPay ? inputIndex : k]!.hash.length + 8;
  size += compactSizeLen(nOuts);
  for (let i = 0; i < nOuts; i++) {
    if (single && i !== inputIndex) size += 9;
    else {
      const s = outs[i]!.script;
      size += 8 + compactSizeLen(s.length) + s.length;
    }
  }
  size += 8;

  const w = new Writer(new Uint8Array(size));
  w.u32(tx.version);
  w.compactSize(nIns);
  for (let k = 0; k < nIns; k++) {
    const i = anyoneCanPay ? inputIndex : k;
    const input = ins[i]!;
    w.bytes(input.hash);
    w.u32(input.index);
    if (i === inputIndex) {
      w.compactSize(sc.declared);
      const r = sc.ranges;
      for (let j = 0; j < r.length; j += 2) w.bytes(scriptCode.subarray(r[j]!, r[j + 1]!));
      w.u32(input.sequence);
    } else {
      w.buf[w.pos++] = 0; // other inputs' scripts are blanked
      w.u32(single || none ? 0 : input.sequence);
    }
  }
  w.compactSize(nOuts);
  for (let i = 0; i < nOuts; i++) {
    if (single && i !== inputIndex) {
      w.i64(-1n); // CTxOut() : value -1, empty script
      w.buf[w.pos++] = 0;
    } else {
      const o = outs[i]!;
      w.i64(o.value);
      w.compactSize(o.script.length);
      w.bytes(o.script);
    }
  }
  w.u32(tx.locktime);
  w.u32(hashType);
  return hash256(w.pos === size ? w.buf : w.buf.subarray(0, w.pos));
}
