/**
 * Bitcoin Core's tx_valid.json (excluded-flags semantics since Core PR #19698): every legacy row
 * passes CheckTransaction and verifies with all flags except the listed ones; removing more flags
 * keeps it valid; and the listed flags are maximal (re-adding any one of them makes it invalid).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printTally, readVectorJson } from '../helpers/vectors.ts';
import {
  checkTxScripts,
  excludeIndividualFlags,
  fillFlags,
  isWitnessCase,
  parseTxVectorRows,
  prevoutScripts,
  seededRandom,
  trimFlags,
} from '../helpers/scriptNotation.ts';
import type { TxCase } from '../helpers/scriptNotation.ts';
import { fromHex } from '../../src/util/bytes.ts';
import { parseTransaction } from '../../src/chain/transaction.ts';
import { checkTransaction } from '../../src/chain/checkTransaction.ts';
import { ALL_CORE_FLAGS, SCRIPT_FLAGS, parseScriptFlags } from '../../src/script/flags.ts';

const runs = Math.max(1, Math.floor(Number(process.env['CCHOST_FUZZ_RUNS'] ?? '1000') / 1000));
const seed = Number(process.env['CCHOST_FUZZ_SEED'] ?? '20260427');

test('tx_valid.json: legacy rows pass CheckTransaction and verify; removing flags keeps them valid; the excluded flags are maximal', () => {
  const rows = parseTxVectorRows(readVectorJson<unknown[][]>('bitcoin/tx_valid.json'));
  const rand = seededRandom(seed);
  const flagBits = Object.values(SCRIPT_FLAGS).filter((f) => (f & ALL_CORE_FLAGS) !== 0);
  let passed = 0;
  let skipped = 0;
  const failures: string[] = [];
  for (const row of rows) {
    const parsed = parseTransaction(fromHex(row.txHex));
    const tx = parsed.ok ? parsed.value : undefined;
    const scripts = tx !== undefined ? prevoutScripts(row, tx) : [];
    if (isWitnessCase(row, tx, scripts)) {
      skipped++;
      continue;
    }
    const where = `row ${row.index} (${row.comment.slice(0, 80)})`;
    if (tx === undefined) {
      failures.push(`${where}: does not parse: ${!parsed.ok ? parsed.error.message : ''}`);
      continue;
    }
    const excluded = parseScriptFlags(row.flagsText);
    if (!excluded.ok) {
      failures.push(`${where}: ${excluded.error.message}`);
      continue;
    }
    const c: TxCase = { row, tx, prevoutScripts: scripts };
    const E = excluded.value;
    const problems: string[] = [];
    const ct = checkTransaction(tx);
    if (!ct.ok) problems.push(`CheckTransaction failed: ${ct.error.code}`);
    // The test's flags must already be a valid combination.
    const on = ALL_CORE_FLAGS & ~E;
    if (on !== (fillFlags(on) & ALL_CORE_FLAGS)) problems.push('bad test flags');
    if (!checkTxScripts(c, on, true)) problems.push(`fails with flags 0x${on.toString(16)}`);
    for (const f of flagBits) {
      const fewer = ALL_CORE_FLAGS & trimFlags(~(E | f));
      if (!checkTxScripts(c, fewer, true)) problems.push(`fails with flag 0x${f.toString(16)} also unset`);
    }
    for (let k = 0; k < runs; k++) {
      const fewer = ALL_CORE_FLAGS & trimFlags(~(E | (rand() & ALL_CORE_FLAGS)));
      if (!checkTxScripts(c, fewer, true)) problems.push(`fails with random flags 0x${fewer.toString(16)}`);
    }
    for (const oneBack of excludeIndividualFlags(E)) {
      const more = ALL_CORE_FLAGS & ~oneBack;
      if (!checkTxScripts(c, more, false)) problems.push(`still valid with flags 0x${more.toString(16)} (excluded flags not maximal)`);
    }
    if (problems.length === 0) passed++;
    else failures.push(`${where}: ${problems.join('; ')}`);
  }
  printTally('tx_valid', passed, failures.length, skipped, 'witness');
  assert.deepEqual(failures.slice(0, 10), []);
  assert.equal(passed, 92);
  assert.equal(skipped, 29);
});
