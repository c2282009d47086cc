/**
 * scriptCode helpers for legacy signature checks: Core's `FindAndDelete`, which removes a signature's
 * standard push from the scriptCode before hashing.
 */
import { pushData } from './builder.ts';
import { newOpCursor, stepOp } from './reader.ts';

const cursor = newOpCursor();

function matchAt(script: Uint8Array, pos: number, pattern: Uint8Array): boolean {
  for (let i = 0; i < pattern.length; i++) if (script[pos + i] !== pattern[i]) return false;
  return true;
}

/**
 * Core's `FindAndDelete(scriptCode, CScript() << sig)`: removes every occurrence of `pushData(sig)`
 * that starts at an opcode boundary (back-to-back copies included). The same bytes pushed with another
 * prefix are not removed; an empty `sig` is `OP_0` and removes every OP_0. Bytes after a truncated push
 * are kept as they are. Returns the input array itself when nothing matched.
 * Example: `findAndDelete(fromHex('01aa4c01aa01aa51'), fromHex('aa'))` is `{ script: 4c01aa51, count: 2 }`
 * (the PUSHDATA1 copy stays).
 */
export function findAndDelete(script: Uint8Array, sig: Uint8Array): { script: Uint8Array; count: number } {
  const pattern = pushData(sig);
  const plen = pattern.length;
  const end = script.length;
  let count = 0;
  const kept: number[] = [];
  let pc = 0;
  let pc2 = 0;
  for (;;) {
    if (pc > pc2) kept.push(pc2, pc);
    while (end - pc >= plen && matchAt(script, pc, pattern)) {
      pc += plen;
      count++;
    }
    pc2 = pc;
    if (pc >= end || !stepOp(script, pc, cursor)) break;
    pc = cursor.next;
  }
  if (count === 0) return { script, count };
  kept.push(pc2, end);
  let size = 0;
  for (let i = 0; i < kept.length; i += 2) size += kept[i + 1]! - kept[i]!;
  const out = new Uint8Array(size);
  let o = 0;
  for (let i = 0; i < kept.length; i += 2) {
    out.set(script.subarray(kept[i]!, kept[i + 1]!), o);
    o += kept[i + 1]! - kept[i]!;
  }
  return { script: out, count };
}
