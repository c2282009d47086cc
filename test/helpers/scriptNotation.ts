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
 *
 * Also here: the row format of tx_valid.json / tx_invalid.json and Core's test-harness flag helpers.
 */
import { concatBytes, fromHex, toHex, utf8 } from '../../src/util/bytes.ts';
import { pushData, pushNumber } from '../../src/script/builder.ts';
import { opcodeFromNotationName } from '../../src/script/opcodes.ts';
import { ecdsaVerifyLax } from '../../src/crypto/secp256k1.ts';
import type { Transaction } from 'bitcoinjs-lib';
import { TransactionSignatureChecker } from '../../src/script/checker.ts';
import { verifyScript } from '../../src/script/interpreter.ts';
import { decodeScript, isPayToScriptHash } from '../../src/script/reader.ts';
import { SCRIPT_VERIFY_CLEANSTACK, SCRIPT_VERIFY_P2SH, SCRIPT_VERIFY_WITNESS } from '../../src/script/flags.ts';

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

// ---------------------------------------------------------------------------------------------
// Core's tx_valid.json / tx_invalid.json rows, whose prevout scripts are written in this notation.

/** One prevout of a tx-vector row. */
export interface TxVectorPrevout {
  /** Previous txid in internal byte order (the file has display order). */
  readonly hash: Uint8Array;
  readonly index: number;
  readonly script: Uint8Array;
  readonly scriptText: string;
}

/** One test row of tx_valid.json or tx_invalid.json. */
export interface TxVectorRow {
  /** 0-based index of the row in the file's top-level array. */
  readonly index: number;
  readonly prevouts: readonly TxVectorPrevout[];
  readonly txHex: string;
  readonly flagsText: string;
  /** The closest preceding comment rows (what the test is about). */
  readonly comment: string;
}

/** Parses the test rows of a tx vector file (comment rows are folded into `comment`). */
export function parseTxVectorRows(raw: unknown[][]): TxVectorRow[] {
  const rows: TxVectorRow[] = [];
  let comments: string[] = [];
  raw.forEach((r, index) => {
    if (r.length === 1 && typeof r[0] === 'string') {
      comments.push(r[0]);
      return;
    }
    const [prevs, txHex, flagsText] = r as [unknown[][], string, string];
    const prevouts = prevs.map((p) => {
      const [txid, idx, scriptText] = p as [string, number, string];
      return {
        hash: fromHex(txid).reverse(),
        index: idx >>> 0, // -1 means 0xffffffff
        script: parseScriptNotation(scriptText),
        scriptText,
      };
    });
    rows.push({ index, prevouts, txHex, flagsText, comment: comments.join(' ') });
    comments = [];
  });
  return rows;
}

/** Core's `IsWitnessProgram`: OP_0 or OP_1..OP_16 followed by one direct push of 2..40 bytes. */
export function isWitnessProgram(script: Uint8Array): boolean {
  const n = script.length;
  if (n < 4 || n > 42) return false;
  const v = script[0]!;
  if (v !== 0x00 && (v < 0x51 || v > 0x60)) return false;
  return script[1]! + 2 === n;
}

/** Core's test-harness `TrimFlags`: WITNESS needs P2SH, CLEANSTACK needs WITNESS (drop what lacks its base). */
export function trimFlags(flags: number): number {
  if (!(flags & SCRIPT_VERIFY_P2SH)) flags &= ~SCRIPT_VERIFY_WITNESS;
  if (!(flags & SCRIPT_VERIFY_WITNESS)) flags &= ~SCRIPT_VERIFY_CLEANSTACK;
  return flags;
}

/** Core's test-harness `FillFlags`: CLEANSTACK implies WITNESS, WITNESS implies P2SH (add the base). */
export function fillFlags(flags: number): number {
  if (flags & SCRIPT_VERIFY_CLEANSTACK) flags |= SCRIPT_VERIFY_WITNESS;
  if (flags & SCRIPT_VERIFY_WITNESS) flags |= SCRIPT_VERIFY_P2SH;
  return flags;
}

/** Core's `ExcludeIndividualFlags`: for each set Core flag, the set without it (trimmed), when that differs. */
export function excludeIndividualFlags(flags: number): number[] {
  const out: number[] = [];
  for (let bit = 0; bit < 21; bit++) {
    const f = 1 << bit;
    if (flags & f) {
      const without = trimFlags(flags & ~f);
      if (without !== flags) out.push(without);
    }
  }
  return out;
}

/** Seeded PRNG (mulberry32) returning 32-bit unsigned integers, so fuzz failures reproduce. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Memoised ECDSA so the flag loops do not re-verify the same signature (same function, same answers). */
const memo = new Map<string, boolean>();
function cachedVerify(sig: Uint8Array, pubkey: Uint8Array, msg: Uint8Array): boolean {
  const key = `${toHex(sig)}:${toHex(pubkey)}:${toHex(msg)}`;
  let v = memo.get(key);
  if (v === undefined) {
    v = ecdsaVerifyLax(sig, pubkey, msg);
    memo.set(key, v);
  }
  return v;
}

/** A parsed tx-vector row ready to verify. */
export interface TxCase {
  row: TxVectorRow;
  tx: Transaction;
  prevoutScripts: Uint8Array[];
}

/** Witness rows: segwit-serialized, a witness-program prevout, or a P2SH redeem script that is one. */
export function isWitnessCase(row: TxVectorRow, tx: Transaction | undefined, scripts: Uint8Array[]): boolean {
  const bytes = fromHex(row.txHex);
  if (bytes.length > 5 && bytes[4] === 0 && bytes[5] === 1) return true;
  if (row.prevouts.some((p) => isWitnessProgram(p.script))) return true;
  if (tx === undefined) return false;
  return tx.ins.some((input, i) => {
    if (!isPayToScriptHash(scripts[i]!)) return false;
    const ops = decodeScript(input.script);
    const last = ops[ops.length - 1];
    return last !== undefined && last.kind === 'push' && isWitnessProgram(last.data);
  });
}

/** Prevout script of each input, by (txid, index); throws for a broken test row. */
export function prevoutScripts(row: TxVectorRow, tx: Transaction): Uint8Array[] {
  return tx.ins.map((input) => {
    const p = row.prevouts.find((q) => q.index === input.index >>> 0 && toHex(q.hash) === toHex(input.hash));
    if (p === undefined) throw new Error(`row ${row.index}: no prevout for an input`);
    return p.script;
  });
}

/** Core's `CheckTxScripts`: true when the outcome (all inputs valid, or some input invalid) is the expected one. */
export function checkTxScripts(c: TxCase, flags: number, expectValid: boolean): boolean {
  let valid = true;
  for (let i = 0; i < c.tx.ins.length && valid; i++) {
    const checker = new TransactionSignatureChecker(c.tx, i, { verify: cachedVerify });
    valid = verifyScript(c.tx.ins[i]!.script, c.prevoutScripts[i]!, flags, checker).ok;
  }
  return valid === expectValid;
}
