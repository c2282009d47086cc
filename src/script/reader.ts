/**
 * Raw-byte script reader with Core's `GetScriptOp` semantics. Scripts are never re-encoded: a
 * non-minimal push keeps its opcode and bytes, and a truncated push is reported at the exact position
 * where Core's reader stops (after the opcode, and after the length bytes when those were readable).
 * Nothing here throws.
 */
import { OP } from './opcodes.ts';

/**
 * A mutable cursor filled by `stepOp` (no allocation on the interpreter's hot path).
 * After a successful step: `opcode`; for pushes (0x00..0x4e) the data is `script[dataStart, dataEnd)`,
 * for other opcodes `dataStart === dataEnd`; `next` is the offset of the following opcode.
 * After a failed step (truncated push): `opcode` is the push opcode and `next` is where Core's reader stopped.
 */
export interface OpCursor {
  opcode: number;
  dataStart: number;
  dataEnd: number;
  next: number;
}

/** A fresh cursor for `stepOp`. */
export function newOpCursor(): OpCursor {
  return { opcode: 0, dataStart: 0, dataEnd: 0, next: 0 };
}

/**
 * Reads the opcode at `pos` into `c`. Returns `true` on success and `false` for a truncated push (the
 * caller must stop, as Core does). `pos` must be below `script.length`.
 */
export function stepOp(script: Uint8Array, pos: number, c: OpCursor): boolean {
  const end = script.length;
  const opcode = script[pos++]!;
  c.opcode = opcode;
  if (opcode > OP.OP_PUSHDATA4) {
    c.dataStart = pos;
    c.dataEnd = pos;
    c.next = pos;
    return true;
  }
  let size: number;
  if (opcode < OP.OP_PUSHDATA1) {
    size = opcode;
  } else if (opcode === OP.OP_PUSHDATA1) {
    if (end - pos < 1) {
      c.next = pos;
      return false;
    }
    size = script[pos]!;
    pos += 1;
  } else if (opcode === OP.OP_PUSHDATA2) {
    if (end - pos < 2) {
      c.next = pos;
      return false;
    }
    size = script[pos]! | (script[pos + 1]! << 8);
    pos += 2;
  } else {
    if (end - pos < 4) {
      c.next = pos;
      return false;
    }
    size = (script[pos]! | (script[pos + 1]! << 8) | (script[pos + 2]! << 16)) + script[pos + 3]! * 0x1000000;
    pos += 4;
  }
  if (end - pos < size) {
    c.next = pos;
    return false;
  }
  c.dataStart = pos;
  c.dataEnd = pos + size;
  c.next = pos + size;
  return true;
}

/**
 * One opcode of a script, as a tagged union:
 * - `push`: opcodes 0x00..0x4e with their data (OP_0 pushes empty data);
 * - `op`: every other opcode, including OP_1NEGATE, OP_1..OP_16, OP_RESERVED and undefined bytes;
 * - `truncated`: a push whose length or data runs past the end; `end` is where Core's reader stopped.
 * `start`/`end` delimit the raw bytes (for `truncated`, the bytes from `end` on were not consumed).
 */
export type ScriptOp =
  | { readonly kind: 'push'; readonly opcode: number; readonly start: number; readonly end: number; readonly data: Uint8Array }
  | { readonly kind: 'op'; readonly opcode: number; readonly start: number; readonly end: number }
  | { readonly kind: 'truncated'; readonly opcode: number; readonly start: number; readonly end: number };

/**
 * The opcode at byte offset `pos`, or `undefined` at or past the end of the script.
 * Example: `readOp(fromHex('4c0107'), 0)` is a `push` of `07` with opcode OP_PUSHDATA1 (non-minimal, kept).
 */
export function readOp(script: Uint8Array, pos: number): ScriptOp | undefined {
  if (!Number.isInteger(pos) || pos < 0 || pos >= script.length) return undefined;
  const c = newOpCursor();
  if (!stepOp(script, pos, c)) return { kind: 'truncated', opcode: c.opcode, start: pos, end: c.next };
  if (c.opcode <= OP.OP_PUSHDATA4) {
    return { kind: 'push', opcode: c.opcode, start: pos, end: c.next, data: script.subarray(c.dataStart, c.dataEnd) };
  }
  return { kind: 'op', opcode: c.opcode, start: pos, end: c.next };
}

/**
 * Iterates over a script's opcodes; a `truncated` op, if any, is the last one yielded.
 * Example: `[...scriptOps(s)].map((o) => o.opcode)`.
 */
export function* scriptOps(script: Uint8Array): Generator<ScriptOp, void, undefined> {
  let pos = 0;
  while (pos < script.length) {
    const op = readOp(script, pos)!;
    yield op;
    if (op.kind === 'truncated') return;
    pos = op.end;
  }
}

/** All opcodes of a script (see `scriptOps`). */
export function decodeScript(script: Uint8Array): ScriptOp[] {
  return [...scriptOps(script)];
}

/**
 * Core's `CScript::IsPushOnly`: every opcode is at most OP_16 (OP_RESERVED counts as a push here, as in
 * Core) and no push is truncated. The empty script is push-only.
 */
export function isPushOnly(script: Uint8Array): boolean {
  const c = newOpCursor();
  let pos = 0;
  while (pos < script.length) {
    if (!stepOp(script, pos, c)) return false;
    if (c.opcode > OP.OP_16) return false;
    pos = c.next;
  }
  return true;
}

/** Core's `IsPayToScriptHash`: exactly `OP_HASH160 <20 bytes> OP_EQUAL` (23 bytes). */
export function isPayToScriptHash(script: Uint8Array): boolean {
  return script.length === 23 && script[0] === OP.OP_HASH160 && script[1] === 0x14 && script[22] === OP.OP_EQUAL;
}
