/**
 * Bitcoin Core's script test notation (`ParseScript` in core_read.cpp), as used by script_tests.json
 * and the tx_valid/tx_invalid prevout scripts:
 * - a decimal number in -0xFFFFFFFF..0xFFFFFFFF is pushed as a minimal number (OP_0, OP_1NEGATE,
 *   OP_1..OP_16, or a push of its script-number encoding);
 * - `0x` + hex inserts the raw bytes (not pushed);
 * - `'text'` pushes the text's bytes with the shortest length prefix (`''` is OP_0);
 * - an opcode name with or without `OP_` (OP_RESERVED and OP_NOP..OP_NOP10; cchost adds
 *   CHECKCRYPTOCONDITION and CHECKCRYPTOCONDITIONVERIFY).
 * Throws on anything else (it parses trusted test data).
 */
import { concatBytes, fromHex, utf8 } from '../../src/util/bytes.ts';
import { pushData, pushNumber } from '../../src/script/builder.ts';
import { opcodeFromNotationName } from '../../src/script/opcodes.ts';

/** Script bytes of a string in Core's test notation. Example: `parseScriptNotation('1 DUP 0x4c01')`. */
export function parseScriptNotation(s: string): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const w of s.split(/[ \t\n]/)) {
    if (w === '') continue;
    if (/^-?[0-9]+$/.test(w) && w !== '-') {
      const n = BigInt(w);
      if (n > 0xffffffffn || n < -0xffffffffn) {
        throw new Error(`script parse error: decimal ${w} outside -0xFFFFFFFF..0xFFFFFFFF`);
      }
      parts.push(pushNumber(n));
    } else if (w.startsWith('0x') && w.length > 2 && /^[0-9a-fA-F]+$/.test(w.slice(2)) && w.length % 2 === 0) {
      parts.push(fromHex(w.slice(2)));
    } else if (w.length >= 2 && w.startsWith("'") && w.endsWith("'")) {
      parts.push(pushData(utf8(w.slice(1, -1))));
    } else {
      const op = opcodeFromNotationName(w);
      if (op === undefined) throw new Error(`script parse error: unknown opcode "${w}"`);
      parts.push(Uint8Array.of(op));
    }
  }
  return concatBytes(...parts);
}
