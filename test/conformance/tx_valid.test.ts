/**
 * Bitcoin Core's tx_valid.json (excluded-flags semantics since Core PR #19698): every legacy row
 * passes CheckTransaction and verifies with all flags except the listed ones; removing more flags
 * keeps it valid; and the listed flags are maximal (re-adding any one of them makes it invalid).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printTally } from '../helpers/vectors.ts';
import { TX_VECTOR_RUNS as runs, TX_VECTOR_SEED as seed, legacyTxRows } from '../helpers/txVectors.ts';
import { checkTxScripts, excludeIndividualFlags, fillFlags, seededRandom, trimFlags } from '../helpers/scriptNotation.ts';
import { checkTransaction } from '../../src/chain/checkTransaction.ts';
import { ALL_CORE_FLAGS, SCRIPT_FLAGS, parseScriptFlags } from '../../src/script/flags.ts';

test('tx_valid.json: legacy rows pass CheckTransaction and verify; removing flags keeps them valid; the excluded flags are maximal', () => {
  const { cases, skipped, unparsed } = legacyTxRows('bitcoin/tx_valid.json');
  const rand = seededRandom(seed);
  const flagBits = Object.values(SCRIPT_FLAGS).filter((f) => (f & ALL_CORE_FLAGS) !== 0);
  let passed = 0;
  const failures: string[] = [...unparsed];
  for (const c of cases) {
    const { row, tx, where } = c;
    const excluded = parseScriptFlags(row.flagsText);
    if (!excluded.ok) {
      failures.push(`${where}: ${excluded.error.message}`);
      continue;
    }
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
