/**
 * Bitcoin Core's tx_invalid.json (flags to verify WITH): BADTX rows fail CheckTransaction with a
 * typed error; every other legacy row passes CheckTransaction but has an input that fails with the
 * listed flags and with any superset; and the listed flags are minimal (dropping any one makes it valid).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printTally } from '../helpers/vectors.ts';
import { TX_VECTOR_RUNS as runs, TX_VECTOR_SEED as seed, legacyTxRows } from '../helpers/txVectors.ts';
import { checkTxScripts, excludeIndividualFlags, fillFlags, seededRandom } from '../helpers/scriptNotation.ts';
import { checkTransaction } from '../../src/chain/checkTransaction.ts';
import { ALL_CORE_FLAGS, SCRIPT_FLAGS, parseScriptFlags } from '../../src/script/flags.ts';

test('tx_invalid.json: BADTX rows fail CheckTransaction; other legacy rows fail their scripts with the listed flags and any superset; the flags are minimal', () => {
  const { cases, skipped, unparsed } = legacyTxRows('bitcoin/tx_invalid.json');
  const rand = seededRandom(seed);
  const flagBits = Object.values(SCRIPT_FLAGS).filter((f) => (f & ALL_CORE_FLAGS) !== 0);
  let passed = 0;
  let badtx = 0;
  const badtxCodes: string[] = [];
  const failures: string[] = [...unparsed];
  for (const c of cases) {
    const { row, tx, where } = c;
    const ct = checkTransaction(tx);
    if (row.flagsText === 'BADTX') {
      badtx++;
      if (ct.ok) failures.push(`${where}: passes CheckTransaction`);
      else {
        passed++;
        badtxCodes.push(ct.error.code);
      }
      continue;
    }
    if (!ct.ok) {
      failures.push(`${where}: fails CheckTransaction (${ct.error.code}) but is not marked BADTX`);
      continue;
    }
    const listed = parseScriptFlags(row.flagsText);
    if (!listed.ok) {
      failures.push(`${where}: ${listed.error.message}`);
      continue;
    }
    const F = listed.value;
    const problems: string[] = [];
    if (F !== fillFlags(F)) problems.push('bad test flags');
    if (!checkTxScripts(c, F, false)) problems.push(`valid with flags 0x${F.toString(16)}`);
    for (const f of flagBits) {
      const more = fillFlags(F | f);
      if (!checkTxScripts(c, more, false)) problems.push(`valid once flag 0x${f.toString(16)} is added`);
    }
    for (let k = 0; k < runs; k++) {
      const more = fillFlags(F | (rand() & ALL_CORE_FLAGS));
      if (!checkTxScripts(c, more, false)) problems.push(`valid with random flags 0x${more.toString(16)}`);
    }
    for (const fewer of excludeIndividualFlags(F)) {
      if (!checkTxScripts(c, fewer, true)) problems.push(`still invalid with flags 0x${fewer.toString(16)} (listed flags not minimal)`);
    }
    if (problems.length === 0) passed++;
    else failures.push(`${where}: ${problems.join('; ')}`);
  }
  printTally('tx_invalid', passed, failures.length, skipped, 'witness');
  console.log(`  BADTX rows: ${badtx} (${badtxCodes.join(', ')})`);
  assert.deepEqual(failures.slice(0, 10), []);
  assert.equal(passed, 78);
  assert.equal(badtx, 9);
  // In file order: no outputs, negative output, MAX_MONEY + 1, MAX_MONEY + 1 in total, duplicate inputs,
  // coinbase scriptSig of 1 and of 101 bytes, null prevout as second and as first of two inputs.
  assert.deepEqual(badtxCodes, [
    'TX_VOUT_EMPTY',
    'TX_VOUT_NEGATIVE',
    'TX_VOUT_TOOLARGE',
    'TX_TXOUTTOTAL_TOOLARGE',
    'TX_INPUTS_DUPLICATE',
    'TX_CB_LENGTH',
    'TX_CB_LENGTH',
    'TX_PREVOUT_NULL',
    'TX_PREVOUT_NULL',
  ]);
  assert.equal(skipped, 15);
});
