/**
 * Bitcoin Core's script_tests.json against the interpreter: every legacy row with the exact error
 * name; a second pass with SCRIPT_VERIFY_CRYPTOCONDITIONS on, where only the two declared rows
 * (`1` / `IF 0xcc ELSE 1 ENDIF` and its 0xcd twin) change, to CC_TEMPLATE; and Core's flag fuzz
 * (removing flags never breaks an OK row, adding flags never fixes a failing one).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transaction } from 'bitcoinjs-lib';
import { printTally, readVectorJson, readVectorText } from '../helpers/vectors.ts';
import { parseScriptNotation, seededRandom } from '../helpers/scriptNotation.ts';
import {
  ALL_CORE_FLAGS,
  SCRIPT_VERIFY_CLEANSTACK,
  SCRIPT_VERIFY_CRYPTOCONDITIONS,
  SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS,
  SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE,
  SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION,
  SCRIPT_VERIFY_P2SH,
  SCRIPT_VERIFY_WITNESS,
  parseScriptFlags,
} from '../../src/script/flags.ts';
import { TransactionSignatureChecker } from '../../src/script/checker.ts';
import { verifyScript } from '../../src/script/interpreter.ts';
import type { VerifyResult } from '../../src/script/interpreter.ts';

const FILE = 'bitcoin/script_tests.json';

interface Row {
  index: number;
  line: number;
  scriptSigText: string;
  scriptPubKeyText: string;
  flagsText: string;
  expected: string;
  scriptSig: Uint8Array;
  scriptPubKey: Uint8Array;
  flags: number;
}

/** File line (1-based) of each top-level element of a JSON array, found by tracking bracket depth. */
function topLevelLines(text: string): number[] {
  const lines: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '[') {
      if (depth === 1) lines.push(line);
      depth++;
    } else if (ch === ']') depth--;
  }
  return lines;
}

function loadRows(): { legacy: Row[]; skipped: number } {
  const raw = readVectorJson<unknown[][]>(FILE);
  const lines = topLevelLines(readVectorText(FILE));
  assert.equal(lines.length, raw.length, 'line index covers every row');
  const legacy: Row[] = [];
  let skipped = 0;
  raw.forEach((r, index) => {
    if (r.length === 1 && typeof r[0] === 'string') return; // comment
    const hasWitness = Array.isArray(r[0]);
    const cols = hasWitness ? r.slice(1) : r;
    const [sig, spk, flagsText, expected] = cols as [string, string, string, string];
    if (hasWitness || /(^|,)(WITNESS|TAPROOT)(,|$)/.test(flagsText)) {
      skipped++;
      return;
    }
    const parsed = parseScriptFlags(flagsText);
    if (!parsed.ok) throw new Error(`row ${index}: ${parsed.error.message}`);
    let flags = parsed.value;
    // Core's harness: CLEANSTACK comes with P2SH and WITNESS.
    if (flags & SCRIPT_VERIFY_CLEANSTACK) flags |= SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS;
    legacy.push({
      index,
      line: lines[index]!,
      scriptSigText: sig,
      scriptPubKeyText: spk,
      flagsText,
      expected,
      scriptSig: parseScriptNotation(sig),
      scriptPubKey: parseScriptNotation(spk),
      flags,
    });
  });
  return { legacy, skipped };
}

/** Core's crediting and spending transactions for a test (amount 0, version 1, locktime 0). */
function spendingTx(scriptSig: Uint8Array, scriptPubKey: Uint8Array): Transaction {
  const credit = new Transaction();
  credit.version = 1;
  credit.locktime = 0;
  credit.addInput(new Uint8Array(32), 0xffffffff, 0xffffffff, Uint8Array.of(0x00, 0x00));
  credit.addOutput(scriptPubKey, 0n);
  const spend = new Transaction();
  spend.version = 1;
  spend.locktime = 0;
  spend.addInput(credit.getHash(), 0, 0xffffffff, scriptSig);
  spend.addOutput(new Uint8Array(0), 0n);
  return spend;
}

function runRow(row: Row, flags: number): VerifyResult {
  const tx = spendingTx(row.scriptSig, row.scriptPubKey);
  return verifyScript(row.scriptSig, row.scriptPubKey, flags, new TransactionSignatureChecker(tx, 0));
}

function describe(row: Row, got: VerifyResult, want: string): string {
  const g = got.ok ? 'OK' : got.error;
  return `line ${row.line}: [${JSON.stringify(row.scriptSigText)}, ${JSON.stringify(row.scriptPubKeyText)}, "${row.flagsText}"] expected ${want}, got ${g}`;
}

const { legacy, skipped } = loadRows();

/** The declared CC-mode deviations: `1` / `IF 0xcc ELSE 1 ENDIF` and `IF 0xcd ELSE 1 ENDIF`. */
function isDeclaredCcDeviation(row: Row): boolean {
  return row.scriptSigText === '1' && (row.scriptPubKeyText === 'IF 0xcc ELSE 1 ENDIF' || row.scriptPubKeyText === 'IF 0xcd ELSE 1 ENDIF');
}

test('script_tests.json: every legacy row gives Core’s exact result and error name', () => {
  let passed = 0;
  const failures: string[] = [];
  for (const row of legacy) {
    const got = runRow(row, row.flags);
    const name = got.ok ? 'OK' : got.error;
    if (name === row.expected) passed++;
    else failures.push(describe(row, got, row.expected));
  }
  printTally('script_tests', passed, failures.length, skipped, 'witness');
  assert.deepEqual(failures.slice(0, 20), []);
  assert.equal(passed, 1086);
  assert.equal(skipped, 136);
});

test('script_tests.json with the CC flag on: only the two declared rows change, to CC_TEMPLATE', () => {
  let exact = 0;
  const deviations: number[] = [];
  const failures: string[] = [];
  for (const row of legacy) {
    const got = runRow(row, row.flags | SCRIPT_VERIFY_CRYPTOCONDITIONS);
    const name = got.ok ? 'OK' : got.error;
    const want = isDeclaredCcDeviation(row) ? 'CC_TEMPLATE' : row.expected;
    if (name !== want) failures.push(describe(row, got, want));
    else if (isDeclaredCcDeviation(row)) deviations.push(row.line);
    else exact++;
  }
  printTally('script_tests (CC flag on)', exact + deviations.length, failures.length, skipped, 'witness');
  console.log(`  ${exact} exact, ${deviations.length} declared deviations (lines ${deviations.join(', ')}: BAD_OPCODE -> CC_TEMPLATE)`);
  assert.deepEqual(failures.slice(0, 20), []);
  assert.equal(exact, 1084);
  assert.deepEqual(deviations, [919, 920]);
});

test('script_tests.json flag fuzz: fewer flags keep OK rows OK, more flags keep failing rows failing', () => {
  const runs = Math.max(1, Math.min(256, Math.floor(Number(process.env['CCHOST_FUZZ_RUNS'] ?? '8000') / 1000)));
  const seed = Number(process.env['CCHOST_FUZZ_SEED'] ?? '20260427');
  const rand = seededRandom(seed);
  // Flags that are not purely restrictive are left alone, as in Core; the CC flag is never drawn.
  const drawable =
    ALL_CORE_FLAGS &
    ~(SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION |
      SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE |
      SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS);
  let checked = 0;
  let skippedCombos = 0;
  const failures: string[] = [];
  for (const row of legacy) {
    const expectOk = row.expected === 'OK';
    const tx = spendingTx(row.scriptSig, row.scriptPubKey);
    const checker = new TransactionSignatureChecker(tx, 0);
    for (let k = 0; k < runs; k++) {
      const extra = rand() & drawable;
      const flags = expectOk ? row.flags & ~extra : row.flags | extra;
      if (flags & SCRIPT_VERIFY_CLEANSTACK && (~flags & (SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS)) !== 0) {
        skippedCombos++;
        continue;
      }
      if (flags & SCRIPT_VERIFY_WITNESS && !(flags & SCRIPT_VERIFY_P2SH)) {
        skippedCombos++;
        continue;
      }
      const got = verifyScript(row.scriptSig, row.scriptPubKey, flags, checker);
      checked++;
      if (got.ok !== expectOk) failures.push(`${describe(row, got, expectOk ? 'OK' : 'a failure')} with flags 0x${flags.toString(16)}`);
    }
  }
  printTally(`script_tests flag fuzz (seed ${seed}, ${runs} per row)`, checked - failures.length, failures.length, skippedCombos, 'invalid flag combinations');
  assert.deepEqual(failures.slice(0, 20), []);
});
